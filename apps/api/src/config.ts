import { serviceConfigSchema } from '@tasktide/platform';
import { ConfigType as t } from '@tasktide/service-kit';

/** The api's own env keys (the process keys — PORT, NODE_ENV, TASKTIDE_BUS … — are added by the platform). */
export const apiOwnConfigSchema = t.Object({
  ACCESS_TOKEN_TTL_SECONDS: t.Integer({ default: 3600, minimum: 60, maximum: 86400 }),
  /**
   * How many proxies in front of the api append to X-Forwarded-For (the ingress: 1). The client is
   * the address that many entries from the right — never the leftmost, which the client writes.
   * 0: the socket's peer address.
   */
  TRUSTED_PROXY_HOPS: t.Integer({ default: 0, minimum: 0, maximum: 5 }),
  /** Failed logins allowed per account from one address, per window. */
  LOGIN_MAX_ATTEMPTS: t.Integer({ default: 10, minimum: 1 }),
  /** Login attempts allowed per address, across accounts, per window. */
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: t.Integer({ default: 100, minimum: 1 }),
  LOGIN_WINDOW_SECONDS: t.Integer({ default: 900, minimum: 1 }),
  /** How often idempotency keys older than their 24 h are deleted. */
  IDEMPOTENCY_PRUNE_EVERY_MS: t.Integer({ default: 3_600_000, minimum: 1_000 }),
  /** Registrations allowed per address per hour (each costs an argon2 hash). */
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: t.Integer({ default: 20, minimum: 1 }),
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
