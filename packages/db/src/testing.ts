import { afterAll, beforeAll } from 'bun:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type DbHandle, type MigrateOptions } from './index.ts';

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

/**
 * The per-file database set-up every DB test repeated: a fresh `createTestDb(kind)` before the
 * enclosing describe's tests (with `migrations` run, then raw `ddl` statements), closed after them.
 * Returns the handle at once; its fields are filled in by the beforeAll, so use it inside tests and
 * later hooks only. Hooks run in the order they are declared: call it before hooks that need the db.
 *
 * @example
 * describe.each(dbKinds())('replay buffer (%s)', (kind) => {
 *   const db = useTestDb(kind, { migrations: [realtimeMigrations] });
 *   test('…', async () => { const buffer = createReplayBuffer(db.db); … });
 * });
 */
export function useTestDb(
  kind: DbKind,
  {
    migrations = [],
    ddl = [],
    timeoutMs = 60_000,
  }: { migrations?: MigrateOptions[]; ddl?: string[]; timeoutMs?: number } = {},
): DbHandle {
  const handle = {} as DbHandle;
  beforeAll(async () => {
    Object.assign(handle, await createTestDb(kind));
    for (const m of migrations) await handle.migrate(m);
    for (const statement of ddl) await handle.db.execute(sql.raw(statement));
  }, timeoutMs);
  afterAll(() => handle.close());
  return handle;
}
