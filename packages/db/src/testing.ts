import postgres from 'postgres';
import { createDb, type DbHandle } from './index.ts';

export type DbKind = 'pglite' | 'postgres';

/**
 * Database kinds the suite runs against: PGlite always, real Postgres too when DATABASE_URL is set
 * (`.ci/run` sets it), so one `describe.each(dbKinds())` covers both.
 */
export function dbKinds(): DbKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh, empty database for one test file: in-memory PGlite, or a new database on the server
 * named by DATABASE_URL that is dropped on close.
 */
export async function createTestDb(kind: DbKind): Promise<DbHandle> {
  if (kind === 'pglite') return createDb({ dataDir: 'memory://' });
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is required for the postgres test database');
  const name = `tt_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString(), max: 10 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
