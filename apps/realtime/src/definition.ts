import { defineService } from '@tasktide/platform';
import { remoteAuthenticator } from '@tasktide/service-kit';
import { realtimeConfigSchema } from './config.ts';
import { createRealtimeModule, REALTIME_APP_ID, realtimeMigrations } from './module.ts';

/** The realtime service's composition root: WebSockets fed by task-updates, with a replay buffer. */
export const realtimeService = defineService({
  appId: REALTIME_APP_ID,
  config: realtimeConfigSchema,
  secrets: { required: ['JWT_SECRET'], generatedInDev: ['JWT_SECRET'] },
  migrations: [realtimeMigrations],
  stopModuleFirst: true,
  create({ config, secrets, db, platform, logger, metrics, clock }) {
    if (!db) throw new Error('realtime needs a database for its replay buffer');
    return createRealtimeModule({
      db: db.db,
      authenticate: remoteAuthenticator({ jwtSecret: secrets.JWT_SECRET as string, invoker: platform.invoker, clock }),
      registry: metrics.registry,
      log: logger,
      perUser: config.REALTIME_BUFFER_PER_USER,
      retentionMs: config.REALTIME_BUFFER_HOURS * 3600_000,
      sockets: { maxSocketsPerUser: config.REALTIME_MAX_SOCKETS_PER_USER },
    });
  },
});
