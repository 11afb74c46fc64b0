/** The api as its own process (containers, dev:dapr). `bun dev` mounts it in the all-in-one server instead. */
import { join } from 'node:path';
import { createDb } from '@tasktide/db';
import { createLogger, createMetrics } from '@tasktide/service-kit';
import { createApiApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { apiMigrations } from './db/migrations.ts';
import { resolveJwtSecret } from './secrets.ts';

const config = loadApiConfig();
const logger = createLogger({
  service: 'api',
  version: config.SERVICE_VERSION,
  level: config.LOG_LEVEL,
  pod: config.POD_NAME,
});
const db = await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite') });
await db.migrate(apiMigrations);
const JWT_SECRET = resolveJwtSecret({
  configured: config.JWT_SECRET,
  nodeEnv: config.NODE_ENV,
  dataDir: config.TASKTIDE_DATA_DIR,
});
const app = createApiApp({ db, config: { ...config, JWT_SECRET }, logger, metrics: createMetrics('api') }).listen(
  config.PORT,
);
logger.info({ port: config.PORT, database: db.kind }, 'api listening');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    logger.info({ signal }, 'draining');
    await app.stop();
    await db.close();
    process.exit(0);
  });
}
