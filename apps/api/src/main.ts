/** The api as its own process (containers, dev:dapr). `bun dev` mounts it in the all-in-one server instead. */

import { createOutboxRelay } from '@tasktide/outbox';
import { bootstrapService } from '@tasktide/platform';
import { createApiApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { apiMigrations } from './db/migrations.ts';
import { outbox, relayLease } from './db/schema.ts';
import { resolveJwtSecret } from './secrets.ts';

const config = loadApiConfig();
const rt = await bootstrapService({ appId: 'api', migrations: [apiMigrations], secretNames: ['JWT_SECRET'] });
if (!rt.db) throw new Error('the api needs a database');
const db = rt.db;
const JWT_SECRET = resolveJwtSecret({
  configured: rt.secrets.JWT_SECRET,
  nodeEnv: config.NODE_ENV,
  dataDir: config.TASKTIDE_DATA_DIR,
});
const relay = createOutboxRelay({
  db: db.db,
  tables: { outbox, relayLease },
  name: 'api',
  pubsub: rt.platform.pubsub,
  log: rt.logger,
  registry: rt.metrics.registry,
  owner: config.POD_NAME || undefined,
});
const app = createApiApp({
  db,
  config: { ...config, JWT_SECRET },
  logger: rt.logger,
  metrics: rt.metrics,
  onOutboxWrite: relay.notify,
  readiness: { sidecar: () => rt.platform.ready() },
}).listen(config.PORT);
relay.start();
rt.logger.info({ port: config.PORT }, 'api listening');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    rt.logger.info({ signal }, 'draining');
    await app.stop();
    await relay.stop();
    await rt.close();
    process.exit(0);
  });
}
