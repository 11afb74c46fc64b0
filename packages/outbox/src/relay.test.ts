import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type DbHandle, sql } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { createEvent } from '@tasktide/events';
import { createEmbeddedRuntime, type EmbeddedRuntime, type PubSub } from '@tasktide/platform';
import { asc, isNull } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { relayFixtureDdl, relayFixture as tables } from './fixtures/ledger.ts';
import { backoffDelay, createOutboxRelay, type RelayOptions } from './relay.ts';
import { writeEvents } from './write.ts';

describe.each(dbKinds())('outbox relay on %s', (kind) => {
  let db: DbHandle;
  let runtime: EmbeddedRuntime;
  beforeAll(async () => {
    db = await createTestDb(kind);
    for (const statement of relayFixtureDdl) await db.db.execute(sql.raw(statement));
    runtime = await createEmbeddedRuntime({ db });
  }, 120_000);
  afterAll(async () => {
    await runtime.close();
    await db.close();
  });
  const relay = (o: Partial<RelayOptions> = {}) =>
    createOutboxRelay({
      db: db.db,
      tables,
      pubsub: runtime.platform('fixture').pubsub,
      registry: new Registry(),
      ...o,
    });
  const pending = () =>
    db.db.select().from(tables.outbox).where(isNull(tables.outbox.publishedAt)).orderBy(asc(tables.outbox.id));
  const commit = (n: number, userId = crypto.randomUUID()) =>
    db.db.transaction((tx) =>
      writeEvents(
        tx,
        tables.outbox,
        Array.from({ length: n }, () =>
          createEvent(
            'task.deleted',
            { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
            {
              userId,
              correlationId: 'relay-test',
            },
          ),
        ),
      ),
    );

  test('publishes pending rows in id order, then marks them published', async () => {
    await commit(5);
    const before = await pending();
    const r = relay();
    while ((await r.drainOnce()) > 0) {}
    await r.stop();
    expect(await pending()).toHaveLength(0);
    const bus = await db.db.execute(
      sql`select data->>'event_id' as id from embedded.bus_messages where topic = 'task-events' order by seq`,
    );
    const published = ((bus as { rows?: { id: string }[] }).rows ?? (bus as unknown as { id: string }[])).map(
      (r) => r.id,
    );
    const expected = before.filter((r) => r.topic === 'task-events').map((r) => r.eventId);
    expect(published.slice(-expected.length)).toEqual(expected);
  });

  test('only the lease holder publishes; a second relay waits until the first lets go', async () => {
    await commit(2);
    const published: string[] = [];
    const recording = (label: string): Pick<PubSub, 'publish'> => ({
      async publish(_topic, messages) {
        published.push(label);
        return { published: messages.map((m) => m.data.event_id), failed: [] };
      },
    });
    const a = relay({ pubsub: recording('a'), owner: 'relay-a' });
    const b = relay({ pubsub: recording('b'), owner: 'relay-b' });
    expect(await a.drainOnce()).toBeGreaterThan(0);
    await commit(1);
    expect(await b.drainOnce()).toBe(0);
    expect(published.every((label) => label === 'a')).toBe(true);
    await a.stop();
    expect(await b.drainOnce()).toBeGreaterThan(0);
    await b.stop();
  });

  test('a broker failure leaves rows pending with the error recorded; they go out once it recovers', async () => {
    await commit(1);
    let down = true;
    const flaky: Pick<PubSub, 'publish'> = {
      async publish(topic, messages) {
        if (down) throw new Error('broker unavailable');
        return runtime.platform('fixture').pubsub.publish(topic, messages);
      },
    };
    const r = relay({ pubsub: flaky, owner: 'relay-flaky' });
    await expect(r.drainOnce()).rejects.toThrow('broker unavailable');
    const stuck = await pending();
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck[0]?.attempts).toBe(1);
    expect(stuck[0]?.lastError).toContain('broker unavailable');
    down = false;
    while ((await r.drainOnce()) > 0) {}
    expect(await pending()).toHaveLength(0);
    await r.stop();
  });

  test('published rows older than the retention are pruned; pending ones never', async () => {
    await commit(2);
    const r = relay({ retentionMs: 0 });
    while ((await r.drainOnce()) > 0) {}
    await commit(1);
    await r.pruneOnce();
    await r.stop();
    const left = await db.db.select().from(tables.outbox);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((row) => row.publishedAt === null)).toBe(true);
  });
});

test('backoff grows exponentially with jitter and is capped', () => {
  const mid = () => 0.5;
  expect(backoffDelay(1, 100, 30_000, mid)).toBe(100);
  expect(backoffDelay(2, 100, 30_000, mid)).toBe(200);
  expect(backoffDelay(5, 100, 30_000, mid)).toBe(1600);
  expect(backoffDelay(50, 100, 30_000, mid)).toBe(30_000);
  expect(backoffDelay(1, 100, 30_000, () => 0)).toBe(80);
  expect(backoffDelay(1, 100, 30_000, () => 1)).toBe(120);
});
