import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { queryRows, rowsOf } from './index.ts';
import { dbKinds, useTestDb } from './testing.ts';

// queryRows reaches the driver through drizzle's session (not public API): pinned here for both
// drivers, on the pool and inside a transaction, with the parameter kinds the api binds.
describe.each(dbKinds())('queryRows on %s', (kind) => {
  const db = useTestDb(kind, { ddl: ['create table t (id int primary key, tags text[], at timestamptz, doc jsonb)'] });

  const insert = 'insert into t (id, tags, at, doc) values ($1, $2, $3, $4::jsonb) returning id, tags, at, doc';

  test('binds arrays, timestamps and JSON; returns the rows', async () => {
    const rows = await queryRows<{ id: number; tags: string[]; at: unknown; doc: unknown }>(db.db, insert, [
      1,
      ['a', 'b "c"'],
      '2030-01-01T08:00:00.123Z',
      JSON.stringify({ x: [1, 'y'] }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tags).toEqual(['a', 'b "c"']);
    const at = rows[0]?.at;
    expect((at instanceof Date ? at : new Date(String(at))).toISOString()).toBe('2030-01-01T08:00:00.123Z');
  });

  test('runs inside a transaction, which a failure rolls back', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await queryRows(tx, insert, [2, [], '2030-01-01T00:00:00Z', '{}']);
        await queryRows(tx, insert, [2, [], '2030-01-01T00:00:00Z', '{}']);
      }),
    ).rejects.toThrow();
    expect(await queryRows(db.db, 'select id from t where id = $1', [2])).toEqual([]);
  });

  test.skipIf(kind !== 'postgres')('statements are prepared, drizzle queries too', async () => {
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int as one`);
      const prepared = rowsOf<{ statement: string }>(
        await tx.execute(sql`select statement from pg_prepared_statements`),
      ).map((r) => r.statement);
      expect(prepared).toContain('select $1::int as one');
    });
  });
});
