import { baseConfigSchema, loadConfigOrExit, ConfigType as t } from '@tasktide/service-kit';

export const apiConfigSchema = t.Composite([
  baseConfigSchema,
  t.Object({
    PORT: t.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
    /** Postgres URL; when unset the api uses embedded PGlite under TASKTIDE_DATA_DIR. */
    DATABASE_URL: t.Optional(t.String({ pattern: '^postgres(ql)?://' })),
    TASKTIDE_DATA_DIR: t.String({ default: '.data' }),
    /** HS256 key for access tokens. Required in production; dev generates one per data dir. */
    JWT_SECRET: t.Optional(t.String({ minLength: 32 })),
    ACCESS_TOKEN_TTL_SECONDS: t.Integer({ default: 3600, minimum: 60, maximum: 86400 }),
    /** Trust X-Forwarded-For (set behind the ingress) for the login rate limit. */
    TRUST_PROXY: t.Boolean({ default: false }),
    LOGIN_MAX_ATTEMPTS: t.Integer({ default: 10, minimum: 1 }),
    LOGIN_WINDOW_SECONDS: t.Integer({ default: 900, minimum: 1 }),
    /** Shared secret daprd sends as `dapr-api-token` to internal routes (Dapr APP_API_TOKEN). */
    APP_API_TOKEN: t.Optional(t.String({ minLength: 16 })),
  }),
]);

export type ApiConfig = typeof apiConfigSchema.static;

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfigOrExit(apiConfigSchema, env);
}
