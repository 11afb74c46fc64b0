/** The realtime service as its own process (containers, dev:dapr). `bun dev` mounts its module instead. */
import { resolveJwtSecret } from '@tasktide/api/secrets';
import { bootstrapService, mountModule, remoteAuthenticator } from '@tasktide/dapr';
import { createService } from '@tasktide/service-kit';
import { loadRealtimeConfig } from './config.ts';
import { createRealtimeModule, REALTIME_APP_ID, realtimeMigrations } from './module.ts';

const config = loadRealtimeConfig();
const rt = await bootstrapService({
  appId: REALTIME_APP_ID,
  migrations: [realtimeMigrations],
  secretNames: ['JWT_SECRET'],
});
if (!rt.db) throw new Error('realtime needs a database for its replay buffer');
const db = rt.db;
const jwtSecret = resolveJwtSecret({
  configured: rt.secrets.JWT_SECRET,
  nodeEnv: config.NODE_ENV,
  dataDir: config.TASKTIDE_DATA_DIR,
});
const module = mountModule(
  createRealtimeModule({
    db: db.db,
    authenticate: remoteAuthenticator({ jwtSecret, invoker: rt.platform.invoker }),
    registry: rt.metrics.registry,
    log: rt.logger,
    perUser: config.REALTIME_BUFFER_PER_USER,
    retentionMs: config.REALTIME_BUFFER_HOURS * 3600_000,
    sockets: { maxSocketsPerUser: config.REALTIME_MAX_SOCKETS_PER_USER },
  }),
  rt.platform,
  rt.logger,
);
const app = createService({
  name: REALTIME_APP_ID,
  logger: rt.logger,
  metrics: rt.metrics,
  readiness: { database: () => db.ping(), sidecar: () => rt.platform.ready() },
})
  .use(module.app)
  .listen(config.PORT);
module.start();
rt.logger.info({ port: config.PORT }, 'realtime listening');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    rt.logger.info({ signal }, 'draining');
    // Sockets first (1001): clients reconnect to another replica and resume from the buffer there.
    await module.stop();
    // Bounded: Bun 1.3.14's stop() never resolves after a server-side WebSocket close (oven-sh/bun#36223).
    await Promise.race([app.stop(), Bun.sleep(2_000)]);
    await rt.close();
    process.exit(0);
  });
}
