import { ConfigType as t } from '@tasktide/service-kit';

/** The realtime service's own env keys (the process keys are added by the platform). */
export const realtimeConfigSchema = t.Object({
  /** Replay buffer bounds: events kept per user, and for how long. */
  REALTIME_BUFFER_PER_USER: t.Integer({ default: 200, minimum: 1, maximum: 10_000 }),
  REALTIME_BUFFER_HOURS: t.Number({ default: 24, exclusiveMinimum: 0, maximum: 24 * 14 }),
  REALTIME_MAX_SOCKETS_PER_USER: t.Integer({ default: 20, minimum: 1, maximum: 1000 }),
});
