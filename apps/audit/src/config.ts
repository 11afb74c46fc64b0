import { baseConfigSchema, loadConfigOrExit, ConfigType as t } from '@tasktide/service-kit';

/** What the audit process reads from env at start (credentials come through `secrets`, see main.ts). */
export const auditConfigSchema = t.Composite([
  baseConfigSchema,
  t.Object({
    PORT: t.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
    TASKTIDE_DATA_DIR: t.String({ default: '.data' }),
  }),
]);

/** Credentials, read through the Dapr secret store under Dapr, else from env. */
export const auditSecretsSchema = t.Object({
  /** The api's HS256 key: user JWTs are verified locally. */
  JWT_SECRET: t.String({ minLength: 32 }),
  /** Operator API bearer token; when absent the operator API refuses every call. */
  OPERATOR_TOKEN: t.Optional(t.String({ minLength: 16 })),
});

export type AuditConfig = typeof auditConfigSchema.static;

export function loadAuditConfig(env: Record<string, string | undefined> = process.env): AuditConfig {
  return loadConfigOrExit(auditConfigSchema, env);
}
