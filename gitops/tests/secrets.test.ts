// Offline tier: credentials reach the services only through the Dapr secret store (seed 004
// FR-H08/H09). The Configuration's secret scope, the chart's ExternalSecrets and RBAC must name
// exactly what the code asks for, and no rendered workload may carry a credential in env.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { apiService } from '../../apps/api/src/definition.ts';
import { auditService } from '../../apps/audit/src/definition.ts';
import { notifierService } from '../../apps/notifier/src/definition.ts';
import { realtimeService } from '../../apps/realtime/src/definition.ts';
import { recurrenceService } from '../../apps/recurrence/src/definition.ts';
import {
  type CredentialConsumer,
  credentialSources,
  secretScopeAllowlist,
} from '../../packages/platform/src/credentials.ts';
import { YAML } from './lib/deps.ts';
import { type Loose, tempFile } from './lib/fixtures.ts';
import { template } from './lib/helm.ts';
import { handWrittenManifests, type Located, parseDocuments } from './lib/manifests.ts';
import { renderServices, serviceChart, serviceValueFiles } from './lib/render.ts';

setDefaultTimeout(60_000);

const definitions: CredentialConsumer[] = [
  apiService,
  auditService,
  notifierService,
  realtimeService,
  recurrenceService,
];
const definitionOf = (service: string) => definitions.find((d) => d.appId === service)!;
const credentialNames = new Set(definitions.flatMap((d) => credentialSources(d).map((s) => s.name)));

/** Named like a credential: one the code reads, or a secret-sounding suffix. */
const credentialLike = (name: string) =>
  credentialNames.has(name) || /(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIALS?)$|^DATABASE_URL$/.test(name);

/** Every way a rendered object hands a credential to a process as env, as `object: what` lines. */
function envCredentials(objects: Located[]): string[] {
  const out: string[] = [];
  for (const { object } of objects) {
    const o = object as Loose;
    const where = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'ConfigMap') {
      for (const key of Object.keys(o.data ?? {})) if (credentialLike(key)) out.push(`${where}: data ${key}`);
    }
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        if (credentialLike(e.name)) out.push(`${where} ${c.name}: env ${e.name}`);
        if (e.valueFrom?.secretKeyRef) out.push(`${where} ${c.name}: env ${e.name} from secret`);
      }
      for (const from of c.envFrom ?? []) if (from.secretRef) out.push(`${where} ${c.name}: envFrom secret`);
    }
  }
  return out;
}

describe('the Dapr secret scope', () => {
  const dapr = handWrittenManifests().filter(({ source }) => source.startsWith('gitops/platform/dapr/'));
  const configuration = dapr.find(({ object }) => object.kind === 'Configuration')!.object as Loose;
  const store = dapr.find(
    ({ object }) => object.kind === 'Component' && (object as Loose).spec.type === 'secretstores.kubernetes',
  )!.object as Loose;

  test('allows exactly the secrets the services ask for, and denies the rest', () => {
    const scopes = configuration.spec.secrets.scopes;
    expect(scopes).toHaveLength(1);
    expect(scopes[0].storeName).toBe(store.metadata.name);
    expect(scopes[0].defaultAccess).toBe('deny');
    expect([...scopes[0].allowedSecrets].sort()).toEqual(secretScopeAllowlist(definitions));
  });
});

describe('credentials in the rendered clusters', () => {
  test('no workload of any service × cluster carries a credential in env', async () => {
    const rendered = await renderServices();
    expect(rendered).toHaveLength(10);
    for (const r of rendered) {
      expect({ target: `${r.service}@${r.cluster}`, env: envCredentials(r.objects) }).toEqual({
        target: `${r.service}@${r.cluster}`,
        env: [],
      });
    }
  });

  test('each service’s ExternalSecret fills exactly the keys it reads from <app>-secrets', async () => {
    for (const r of await renderServices()) {
      const own = credentialSources(definitionOf(r.service!))
        .filter((s) => s.secret === `${r.service}-secrets`)
        .map((s) => s.key)
        .sort();
      const external = r.objects.find(
        ({ object }) => object.kind === 'ExternalSecret' && object.metadata.name === `${r.service}-secrets`,
      )?.object as Loose;
      const filled = (external?.spec.data ?? []).map((d: { secretKey: string }) => d.secretKey).sort();
      expect({ target: `${r.service}@${r.cluster}`, keys: filled }).toEqual({
        target: `${r.service}@${r.cluster}`,
        keys: own,
      });
    }
  });

  test('RBAC lets each daprd read exactly the Secrets its app asks for (and no Role when none)', async () => {
    for (const r of await renderServices()) {
      const wanted = [...new Set(credentialSources(definitionOf(r.service!)).map((s) => s.secret))].sort();
      const role = r.objects.find(({ object }) => object.kind === 'Role')?.object as Loose;
      const readable = role ? [...role.rules[0].resourceNames].sort() : [];
      expect({ target: `${r.service}@${r.cluster}`, readable }).toEqual({
        target: `${r.service}@${r.cluster}`,
        readable: wanted,
      });
      // An empty resourceNames would grant every Secret of the namespace.
      if (role) expect(role.rules[0].resourceNames.length).toBeGreaterThan(0);
      if (!role) expect(r.objects.some(({ object }) => object.kind === 'RoleBinding')).toBe(false);
    }
  });

  test('the check catches a credential put back into env', async () => {
    const overlay = tempFile('credential-env.yaml', YAML.stringify({ env: { JWT_SECRET: 'oops' } }));
    const out = await template('api', serviceChart, 'todo-app', [...serviceValueFiles('api', 'oke'), overlay]);
    expect(out.ok).toBe(true);
    expect(envCredentials(parseDocuments(out.stdout, 'api with JWT_SECRET in env'))).toEqual([
      'ConfigMap/api-config: data JWT_SECRET',
    ]);
  });
});
