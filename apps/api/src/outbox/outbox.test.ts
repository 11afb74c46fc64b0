import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  backoffDelay,
  createEmbeddedRuntime,
  createOutboxRelay as createRelay,
  type EmbeddedRuntime,
  type PubSub,
  type RelayOptions,
} from '@tasktide/dapr';
import { dbKinds } from '@tasktide/db/testing';
import { parseEvent } from '@tasktide/events';
import { asc, eq, isNull } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { outbox, relayLease } from '../db/schema.ts';
import { createTask } from '../tasks/service.ts';
import { createTestApi, type TestApi } from '../testing.ts';

const createOutboxRelay = (o: Omit<RelayOptions, 'tables'>) => createRelay({ ...o, tables: { outbox, relayLease } });

describe.each(dbKinds())('transactional outbox and relay on %s', (kind) => {
  let api: TestApi;
  let runtime: EmbeddedRuntime;
  let user: Awaited<ReturnType<TestApi['signUp']>>;
  beforeAll(async () => {
    api = await createTestApi(kind);
    runtime = await createEmbeddedRuntime({ db: api.db });
    user = await api.signUp();
  }, 120_000);
  afterAll(async () => {
    await runtime.close();
    await api.close();
  });
  const db = () => api.db.db;
  const pendingRows = () => db().select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.id));

  test('every task change writes schema-valid events for task-events and task-updates', async () => {
    const before = (await db().select().from(outbox)).length;
    const { body: task } = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'evented' } });
    await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { priority: 'high' } });
    await api.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    await api.call('DELETE', `/api/v1/tasks/${task.id}`, { token: user.token });
    const rows = (await db().select().from(outbox).orderBy(asc(outbox.id))).slice(before);
    expect(rows.map((r) => `${r.eventType}>${r.topic}`)).toEqual([
      'task.created>task-events',
      'task.created>task-updates',
      'task.updated>task-events',
      'task.updated>task-updates',
      'task.completed>task-events',
      'task.completed>task-updates',
      'task.updated>task-events',
      'task.updated>task-updates',
      'task.deleted>task-events',
      'task.deleted>task-updates',
    ]);
    for (const row of rows) {
      expect(parseEvent(row.envelope).ok).toBe(true);
      expect(row.partitionKey).toBe(user.userId);
    }
    const updated = rows[2]?.envelope as { payload: { changes: Record<string, unknown> } };
    expect(updated.payload.changes).toEqual({ priority: 'high' });
  });

  test('a rolled-back change leaves no event behind', async () => {
    const before = (await db().select().from(outbox)).length;
    const actor = { userId: user.userId, timezone: 'UTC', correlationId: 'rollback-test' };
    await expect(
      db().transaction(async (tx) => {
        await createTask(tx, actor, { title: 'doomed' });
        throw new Error('abort after the insert');
      }),
    ).rejects.toThrow('abort after the insert');
    expect((await db().select().from(outbox)).length).toBe(before);
    const list = await api.call('GET', '/api/v1/tasks?q=doomed', { token: user.token });
    expect(list.body.items).toHaveLength(0);
  });

  test('a no-op change (same values, completing a completed task) emits nothing', async () => {
    const { body: task } = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'same' } });
    const before = (await db().select().from(outbox)).length;
    await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { title: 'same' } });
    await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    expect((await db().select().from(outbox)).length).toBe(before);
  });

  test('the relay publishes pending rows in id order, then marks them published', async () => {
    const pending = await pendingRows();
    expect(pending.length).toBeGreaterThan(0);
    const relay = createOutboxRelay({ db: db(), pubsub: runtime.platform('api').pubsub, registry: new Registry() });
    while ((await relay.drainOnce()) > 0) {}
    await relay.stop();
    expect(await pendingRows()).toHaveLength(0);
    const bus = await db().execute(
      `select data->>'event_id' as id, topic from embedded.bus_messages where topic = 'task-events' order by seq` as never,
    );
    const published = ((bus as { rows?: { id: string }[] }).rows ?? (bus as unknown as { id: string }[])).map(
      (r) => r.id,
    );
    const expected = pending.filter((r) => r.topic === 'task-events').map((r) => r.eventId);
    expect(published.slice(-expected.length)).toEqual(expected);
  });

  test('only the lease holder publishes; a second relay waits', async () => {
    await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'leased' } });
    const published: string[][] = [];
    const recording = (label: string): Pick<PubSub, 'publish'> => ({
      async publish(_topic, messages) {
        published.push([label, ...messages.map((m) => m.data.event_id)]);
        return { published: messages.map((m) => m.data.event_id), failed: [] };
      },
    });
    const a = createOutboxRelay({ db: db(), pubsub: recording('a'), owner: 'relay-a', registry: new Registry() });
    const b = createOutboxRelay({ db: db(), pubsub: recording('b'), owner: 'relay-b', registry: new Registry() });
    expect(await a.drainOnce()).toBeGreaterThan(0);
    await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'leased 2' } });
    expect(await b.drainOnce()).toBe(0);
    expect(published.every(([label]) => label === 'a')).toBe(true);
    await a.stop();
    expect(await b.drainOnce()).toBeGreaterThan(0);
    await b.stop();
  });

  test('a broker failure leaves rows pending with the error recorded; they go out once it recovers', async () => {
    await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'while down' } });
    let down = true;
    const flaky: Pick<PubSub, 'publish'> = {
      async publish(topic, messages) {
        if (down) throw new Error('broker unavailable');
        return runtime.platform('api').pubsub.publish(topic, messages);
      },
    };
    const relay = createOutboxRelay({ db: db(), pubsub: flaky, owner: 'relay-flaky', registry: new Registry() });
    await expect(relay.drainOnce()).rejects.toThrow('broker unavailable');
    const stuck = await pendingRows();
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck[0]?.attempts).toBe(1);
    expect(stuck[0]?.lastError).toContain('broker unavailable');
    down = false;
    while ((await relay.drainOnce()) > 0) {}
    expect(await pendingRows()).toHaveLength(0);
    await relay.stop();
  });

  test('published rows older than the retention are pruned', async () => {
    const relay = createOutboxRelay({
      db: db(),
      pubsub: runtime.platform('api').pubsub,
      retentionMs: 0,
      pruneEveryMs: 0,
      idleMs: 10,
      registry: new Registry(),
    });
    relay.start();
    await Bun.sleep(200);
    await relay.stop();
    expect(await db().select().from(outbox).where(eq(outbox.topic, 'task-events'))).toHaveLength(0);
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
