import { serviceConfigSchema } from '@tasktide/platform';
import { ConfigType as t } from '@tasktide/service-kit';

/** The api's own env keys (the process keys — PORT, NODE_ENV, TASKTIDE_BUS … — are added by the platform). */
export const apiOwnConfigSchema = t.Object({
  ACCESS_TOKEN_TTL_SECONDS: t.Integer({ default: 3600, minimum: 60, maximum: 86400 }),
  /** Trust X-Forwarded-For (set behind the ingress) for the login rate limit. */
  TRUST_PROXY: t.Boolean({ default: false }),
  LOGIN_MAX_ATTEMPTS: t.Integer({ default: 10, minimum: 1 }),
  LOGIN_WINDOW_SECONDS: t.Integer({ default: 900, minimum: 1 }),
});

/** Everything the api process reads from env, parsed once at start. */
export const apiConfigSchema = serviceConfigSchema({ config: apiOwnConfigSchema });

/** Credentials, from env or the Dapr secret store (never part of the parsed env config). */
export interface ApiSecrets {
  /** HS256 key for access tokens. Required in production; dev generates one per data dir. */
  JWT_SECRET: string;
  /** Shared secret daprd sends as `dapr-api-token` to internal routes (Dapr APP_API_TOKEN). */
  APP_API_TOKEN?: string;
}

export type ApiConfig = typeof apiConfigSchema.static & Partial<ApiSecrets>;
