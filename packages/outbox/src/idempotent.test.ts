import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { createEmbeddedRuntime, type EmbeddedRuntime } from '@tasktide/platform';
import { eq, sql } from 'drizzle-orm';
import { effects, fixtureDdl, processed } from './fixtures/ledger.ts';
import { claimOnce, onceInTransaction } from './idempotent.ts';

describe.each(dbKinds())('idempotent consumer helpers on %s', (kind) => {
  let db: DbHandle;
  let runtime: EmbeddedRuntime;
  beforeAll(async () => {
    db = await createTestDb(kind);
    for (const statement of fixtureDdl) await db.db.execute(sql.raw(statement));
    runtime = await createEmbeddedRuntime({ db });
  }, 60_000);
  afterAll(async () => {
    await runtime.close();
    await db.close();
  });
  const count = async (eventId: string) =>
    (await db.db.select({ n: sql<number>`count(*)::int` }).from(effects).where(eq(effects.eventId, eventId)))[0]?.n;

  test('the same event twice (also concurrently) applies its effect once', async () => {
    const eventId = crypto.randomUUID();
    const effect = (tx: Parameters<Parameters<typeof onceInTransaction>[4]>[0]) =>
      tx.insert(effects).values({ eventId, consumer: 'c', pid: 1 });
    const results = await Promise.all([1, 2, 3].map(() => onceInTransaction(db.db, processed, 'c', eventId, effect)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await onceInTransaction(db.db, processed, 'c', eventId, effect)).toBe(false);
    expect(await count(eventId)).toBe(1);
    // Another consumer of the same event has its own ledger entry.
    expect(await onceInTransaction(db.db, processed, 'other', eventId, effect)).toBe(true);
  });

  test('a failing effect rolls back its ledger row, so the redelivery applies it', async () => {
    const eventId = crypto.randomUUID();
    await expect(
      onceInTransaction(db.db, processed, 'c', eventId, async (tx) => {
        await tx.insert(effects).values({ eventId, consumer: 'c', pid: 1 });
        throw new Error('crash between the two steps');
      }),
    ).rejects.toThrow('crash between');
    expect(await count(eventId)).toBe(0);
    expect(
      await onceInTransaction(db.db, processed, 'c', eventId, (tx) =>
        tx.insert(effects).values({ eventId, consumer: 'c', pid: 1 }),
      ),
    ).toBe(true);
    expect(await count(eventId)).toBe(1);
  });

  test('claimOnce lets exactly one caller act on an external effect; release re-opens it', async () => {
    const state = runtime.platform('claims').state;
    const eventId = crypto.randomUUID();
    const claims = await Promise.all([1, 2, 3, 4].map(() => claimOnce(state, 'webhook', eventId)));
    expect(claims.filter((c) => c.won)).toHaveLength(1);
    await claims.find((c) => c.won)?.release();
    expect((await claimOnce(state, 'webhook', eventId)).won).toBe(true);
  });
});
