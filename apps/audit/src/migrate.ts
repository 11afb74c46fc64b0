/** Standalone migration entry: `bun apps/audit/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */

import { join } from 'node:path';
import { createDb } from '@tasktide/db';
import { createLogger } from '@tasktide/service-kit';
import { loadAuditConfig } from './config.ts';
import { auditMigrations } from './db/migrations.ts';

const config = loadAuditConfig();
const log = createLogger({ service: 'audit-migrate', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
const db = await createDb({
  url: process.env.DATABASE_URL,
  dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite'),
  max: 1,
});
await db.migrate(auditMigrations);
log.info({ database: db.kind }, 'migrations applied');
await db.close();
