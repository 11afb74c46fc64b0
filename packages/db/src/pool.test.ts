import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import type { DbHandle } from './index.ts';
import { createTestDb } from './testing.ts';

// Pool usage feeds the tasktide_db_pool_* gauges; only postgres.js has a pool to measure.
describe.skipIf(!process.env.DATABASE_URL)('postgres pool stats', () => {
  let db: DbHandle;
  // drizzle queries are lazy until awaited: `then` starts one without waiting for it.
  const started = (ms: number) => db.db.execute(sql`select pg_sleep(${ms / 1000})`).then((r) => r);
  beforeAll(async () => {
    db = await createTestDb('postgres');
  });
  afterAll(async () => db.close());

  test('idle pool: nothing in use, max is the configured size', () => {
    expect(db.poolStats()).toEqual({ inUse: 0, max: 10, pending: 0 });
  });

  test('open transactions and queries count while they run and are released after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const transactions = [1, 2, 3].map(() =>
      db.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await gate;
      }),
    );
    const sleeper = started(300);
    await Bun.sleep(100);
    const during = db.poolStats().inUse;
    release();
    expect(during).toBe(4);
    await Promise.all([...transactions, sleeper]);
    expect(db.poolStats()).toEqual({ inUse: 0, max: 10, pending: 0 });
  });

  test('beyond the pool size the excess is pending, and a failed query is released too', async () => {
    const many = Array.from({ length: 14 }, () => started(300));
    const failing = db.db.execute(sql`select 1/0`).then(
      () => 'succeeded',
      () => 'failed',
    );
    await Bun.sleep(50);
    const during = db.poolStats();
    expect(during.inUse).toBe(10);
    expect(during.pending).toBeGreaterThanOrEqual(4);
    await Promise.all(many);
    expect(await failing).toBe('failed');
    expect(db.poolStats().inUse).toBe(0);
  });
});
