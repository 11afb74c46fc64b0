import type { SecretNeeds } from './service.ts';

/**
 * Where a credential lives in the Dapr secret store: a secret (in clusters a Kubernetes Secret,
 * filled by External Secrets) and a key inside it. The secret name is what daprd checks against
 * the Configuration's secret scopes, so it is also what the allowlist names.
 */
export interface CredentialSource {
  secret: string;
  key: string;
}

/**
 * Credentials kept in secrets of their own because something besides the app reads them too:
 * the database URL (also the migration Jobs) and the app token (also daprd, through
 * `dapr.io/app-token-secret`, which wants the key `token`). Everything else a service needs lives
 * in its own `<app id>-secrets`, which its ExternalSecret fills with only those keys.
 */
const sharedCredentials: Record<string, CredentialSource> = {
  DATABASE_URL: { secret: 'tasktide-database', key: 'DATABASE_URL' },
  APP_API_TOKEN: { secret: 'tasktide-dapr-app-token', key: 'token' },
};

/** The store secret and key a service reads one credential from. */
export function credentialSource(appId: string, name: string): CredentialSource {
  return sharedCredentials[name] ?? { secret: `${appId}-secrets`, key: name };
}

/** What a service definition says about its credentials (a ServiceDefinition fits). */
export interface CredentialConsumer {
  appId: string;
  secrets?: SecretNeeds;
  database?: 'required' | 'none';
}

/** The credentials a service asks for: DATABASE_URL unless it keeps no tables, then its own. */
export function credentialNames(def: CredentialConsumer): { required: string[]; optional: string[] } {
  return {
    required: [...(def.database === 'none' ? [] : ['DATABASE_URL']), ...(def.secrets?.required ?? [])],
    optional: [...(def.secrets?.optional ?? [])],
  };
}

/** Every credential a service asks for, with where it reads it from. */
export function credentialSources(def: CredentialConsumer): ({ name: string; required: boolean } & CredentialSource)[] {
  const { required, optional } = credentialNames(def);
  return [
    ...required.map((name) => ({ name, required: true, ...credentialSource(def.appId, name) })),
    ...optional.map((name) => ({ name, required: false, ...credentialSource(def.appId, name) })),
  ];
}

/**
 * The secret names the services read: exactly what the Dapr Configuration's secret scope must allow
 * (gitops/platform/dapr/tasktide-configuration.yaml; a GitOps test compares the two).
 */
export function secretScopeAllowlist(defs: CredentialConsumer[]): string[] {
  return [...new Set(defs.flatMap((def) => credentialSources(def).map((s) => s.secret)))].sort();
}

/** A credential that cannot be read at start; the message names it and says where it was looked for. */
export class CredentialError extends Error {
  constructor(
    message: string,
    readonly names: string[],
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** Reads one secret of the store: the status daprd answered, and the body. */
export type SecretReader = (secret: string) => Promise<{ status: number; body: string }>;

/** A SecretReader over the sidecar's HTTP API (`GET /v1.0/secrets/<store>/<secret>`). */
export function daprSecretReader(opts: { baseUrl: string; storeName?: string; apiToken?: string }): SecretReader {
  const store = opts.storeName ?? 'secretstore';
  return async (secret) => {
    const res = await fetch(`${opts.baseUrl}/secrets/${store}/${encodeURIComponent(secret)}`, {
      headers: opts.apiToken ? { 'dapr-api-token': opts.apiToken } : {},
    });
    return { status: res.status, body: await res.text() };
  };
}

/**
 * Reads a service's credentials from the Dapr secret store, one request per store secret. A secret
 * daprd refuses (403: not in the Configuration's secret scope) or cannot read, or a required key
 * missing from it, is a CredentialError naming the credentials, the secret and the key.
 */
export async function readStoreCredentials(
  def: CredentialConsumer,
  read: SecretReader,
  storeName = 'secretstore',
): Promise<Record<string, string | undefined>> {
  const sources = credentialSources(def);
  const out: Record<string, string | undefined> = {};
  for (const secret of new Set(sources.map((s) => s.secret))) {
    const wanted = sources.filter((s) => s.secret === secret);
    const names = wanted.map((s) => s.name);
    const res = await read(secret);
    if (res.status === 403) {
      throw new CredentialError(
        `${names.join(', ')}: the Dapr secret store "${storeName}" refused secret "${secret}" (not allowed by the ` +
          `secret scopes of the Dapr Configuration: add it to allowedSecrets) — ${res.body.slice(0, 300)}`,
        names,
      );
    }
    if (res.status !== 200) {
      throw new CredentialError(
        `${names.join(', ')}: could not read secret "${secret}" from the Dapr secret store "${storeName}" ` +
          `(${res.status}) — ${res.body.slice(0, 300)}`,
        names,
      );
    }
    const data = JSON.parse(res.body) as Record<string, string>;
    const missing = wanted.filter((s) => s.required && !data[s.key]);
    if (missing.length) {
      throw new CredentialError(
        missing
          .map(
            (s) =>
              `${s.name} missing: secret "${secret}" in the Dapr secret store "${storeName}" has no key "${s.key}"`,
          )
          .join('; '),
        missing.map((s) => s.name),
      );
    }
    for (const s of wanted) out[s.name] = data[s.key] || undefined;
  }
  return out;
}
