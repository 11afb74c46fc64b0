import { defineService } from '@tasktide/platform';
import { ConfigType as T } from '@tasktide/service-kit';
import { createRecurrenceModule, RECURRENCE_APP_ID } from './module.ts';

/** The recurrence service's composition root: stateless, it asks the api for the next occurrence. */
export const recurrenceService = defineService({
  appId: RECURRENCE_APP_ID,
  config: T.Object({}),
  migrations: [],
  database: 'none',
  create: ({ platform, metrics, logger }) =>
    createRecurrenceModule({ invoker: platform.invoker, registry: metrics.registry, log: logger }),
});
