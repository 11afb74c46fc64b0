import { defineService } from '@tasktide/platform';
import { ConfigType as T } from '@tasktide/service-kit';
import { createRecurrenceModule, RECURRENCE_APP_ID } from './module.ts';

/** The recurrence service's own env keys. */
export const recurrenceConfigSchema = T.Object({
  /** How often the on-schedule sweep runs in embedded mode (under Dapr the cron binding decides). */
  RECURRENCE_SWEEP_EVERY_MS: T.Optional(T.Integer({ minimum: 10 })),
  /** How long an elapsed occurrence on schedule waits for its job before the sweep acts. */
  RECURRENCE_SWEEP_GRACE_MS: T.Optional(T.Integer({ minimum: 0 })),
});

/**
 * The recurrence service's composition root: no tables, it asks the api for the next occurrence;
 * its only state outside the api is the Dapr jobs of series on schedule (triggers, rebuilt by the sweep).
 */
export const recurrenceService = defineService({
  appId: RECURRENCE_APP_ID,
  config: recurrenceConfigSchema,
  migrations: [],
  database: 'none',
  create: ({ config, platform, metrics, logger, clock }) =>
    createRecurrenceModule({
      invoker: platform.invoker,
      jobs: platform.jobs,
      registry: metrics.registry,
      log: logger,
      clock,
      sweepEveryMs: config.RECURRENCE_SWEEP_EVERY_MS,
      sweepGraceMs: config.RECURRENCE_SWEEP_GRACE_MS,
    }),
});
