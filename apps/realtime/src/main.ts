/** The realtime service as its own process (containers, dev:dapr). `bun dev` mounts its module instead. */
import { resolveJwtSecret } from '@tasktide/api/secrets';
import { bootstrapService, mountModule, serveModule } from '@tasktide/platform';
import { remoteAuthenticator } from '@tasktide/service-kit';
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
serveModule(REALTIME_APP_ID, rt, module, { port: config.PORT, stopModuleFirst: true });
