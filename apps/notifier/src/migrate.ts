/** Standalone migration entry for the notifier's schema (the PreSync hook Job runs this). */
import { join } from 'node:path';
import { createDb } from '@tasktide/db';
import { notifierMigrations } from './db/migrations.ts';

const db = await createDb({
  url: process.env.DATABASE_URL,
  dataDir: join(process.env.TASKTIDE_DATA_DIR ?? '.data', 'pglite'),
  max: 1,
});
await db.migrate(notifierMigrations);
console.log(
  JSON.stringify({ level: 'info', service: 'notifier-migrate', msg: 'migrations applied', database: db.kind }),
);
await db.close();
