/** The recurrence service as its own process (containers, dev:dapr). */
import { bootstrapService, mountModule } from '@tasktide/dapr';
import { createService, loadConfigOrExit, ConfigType as T } from '@tasktide/service-kit';
import { createRecurrenceModule, RECURRENCE_APP_ID } from './module.ts';

const config = loadConfigOrExit(T.Object({ PORT: T.Integer({ default: 3000, minimum: 1, maximum: 65535 }) }));
const rt = await bootstrapService({ appId: RECURRENCE_APP_ID, migrations: [], database: 'none' });
const module = mountModule(
  createRecurrenceModule({ invoker: rt.platform.invoker, registry: rt.metrics.registry, log: rt.logger }),
  rt.platform,
  rt.logger,
);
const app = createService({
  name: RECURRENCE_APP_ID,
  logger: rt.logger,
  metrics: rt.metrics,
  readiness: { sidecar: () => rt.platform.ready() },
})
  .use(module.app)
  .listen(config.PORT);
module.start();
rt.logger.info({ port: config.PORT }, 'recurrence listening');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    await app.stop();
    await module.stop();
    await rt.close();
    process.exit(0);
  });
}
