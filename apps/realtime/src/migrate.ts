/** Standalone migration entry: `bun apps/realtime/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */
import { join } from 'node:path';
import { createDb } from '@tasktide/db';
import { createLogger } from '@tasktide/service-kit';
import { loadRealtimeConfig } from './config.ts';
import { realtimeMigrations } from './db/migrations.ts';

const config = loadRealtimeConfig();
const log = createLogger({ service: 'realtime-migrate', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
const db = await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite'), max: 1 });
await db.migrate(realtimeMigrations);
log.info({ database: db.kind }, 'migrations applied');
await db.close();
