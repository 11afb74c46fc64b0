/** The notifier as its own process (containers, dev:dapr). */
import { bootstrapService, mountModule, serveModule } from '@tasktide/platform';
import { loadConfigOrExit, ConfigType as T } from '@tasktide/service-kit';
import { notifierMigrations } from './db/migrations.ts';
import { createNotifierModule, NOTIFIER_APP_ID } from './module.ts';

const config = loadConfigOrExit(
  T.Object({
    PORT: T.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
    NODE_ENV: T.String({ default: 'development' }),
    ALLOW_PRIVATE_WEBHOOKS: T.Optional(T.Boolean()),
  }),
);
const rt = await bootstrapService({
  appId: NOTIFIER_APP_ID,
  migrations: [notifierMigrations],
  secretNames: ['JWT_SECRET', 'WEBHOOK_SIGNING_KEY'],
  devSecrets: ['JWT_SECRET', 'WEBHOOK_SIGNING_KEY'],
});
const { JWT_SECRET, WEBHOOK_SIGNING_KEY } = rt.secrets;
if (!rt.db || !JWT_SECRET || !WEBHOOK_SIGNING_KEY) {
  rt.logger.fatal('JWT_SECRET and WEBHOOK_SIGNING_KEY are required (env, or the Dapr secret store under Dapr)');
  process.exit(78);
}
const db = rt.db;
const module = mountModule(
  createNotifierModule({
    db,
    platform: rt.platform,
    registry: rt.metrics.registry,
    log: rt.logger,
    jwtSecret: JWT_SECRET,
    webhookSigningKey: WEBHOOK_SIGNING_KEY,
    allowPrivateWebhooks: config.ALLOW_PRIVATE_WEBHOOKS ?? config.NODE_ENV !== 'production',
  }),
  rt.platform,
  rt.logger,
);
serveModule(NOTIFIER_APP_ID, rt, module, { port: config.PORT });
