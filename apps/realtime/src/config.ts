import { baseConfigSchema, loadConfigOrExit, ConfigType as t } from '@tasktide/service-kit';

export const realtimeConfigSchema = t.Composite([
  baseConfigSchema,
  t.Object({
    PORT: t.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
    /** Postgres URL; when unset (and not under Dapr) realtime uses embedded PGlite under TASKTIDE_DATA_DIR. */
    DATABASE_URL: t.Optional(t.String({ pattern: '^postgres(ql)?://' })),
    TASKTIDE_DATA_DIR: t.String({ default: '.data' }),
    /** The api's HS256 key (access tokens are verified here). Required in production. */
    JWT_SECRET: t.Optional(t.String({ minLength: 32 })),
    /** Replay buffer bounds: events kept per user, and for how long. */
    REALTIME_BUFFER_PER_USER: t.Integer({ default: 200, minimum: 1, maximum: 10_000 }),
    REALTIME_BUFFER_HOURS: t.Number({ default: 24, exclusiveMinimum: 0, maximum: 24 * 14 }),
    REALTIME_MAX_SOCKETS_PER_USER: t.Integer({ default: 20, minimum: 1, maximum: 1000 }),
  }),
]);

export type RealtimeConfig = typeof realtimeConfigSchema.static;

export function loadRealtimeConfig(env: Record<string, string | undefined> = process.env): RealtimeConfig {
  return loadConfigOrExit(realtimeConfigSchema, env);
}
