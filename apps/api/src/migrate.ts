/** Standalone migration entry: `bun apps/api/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */

import { join } from 'node:path';
import { createDb } from '@tasktide/db';
import { createLogger } from '@tasktide/service-kit';
import { loadApiConfig } from './config.ts';
import { apiMigrations } from './db/migrations.ts';

const config = loadApiConfig();
const log = createLogger({ service: 'api-migrate', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
const db = await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite'), max: 1 });
await db.migrate(apiMigrations);
log.info({ database: db.kind }, 'migrations applied');
await db.close();
