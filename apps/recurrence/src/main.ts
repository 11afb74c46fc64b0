/** The recurrence service as its own process (containers, dev:dapr). */
import { bootstrapService, mountModule, serveModule } from '@tasktide/platform';
import { loadConfigOrExit, ConfigType as T } from '@tasktide/service-kit';
import { createRecurrenceModule, RECURRENCE_APP_ID } from './module.ts';

const config = loadConfigOrExit(T.Object({ PORT: T.Integer({ default: 3000, minimum: 1, maximum: 65535 }) }));
const rt = await bootstrapService({ appId: RECURRENCE_APP_ID, migrations: [], database: 'none' });
const module = mountModule(
  createRecurrenceModule({ invoker: rt.platform.invoker, registry: rt.metrics.registry, log: rt.logger }),
  rt.platform,
  rt.logger,
);
serveModule(RECURRENCE_APP_ID, rt, module, { port: config.PORT });
