import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb, type DbHandle } from '@tasktide/db';
import { parseEvent } from '@tasktide/events';
import { type KafkaRecord, type LocalStack, readTopic, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { createLogger } from '@tasktide/service-kit';
import { isNull, sql } from 'drizzle-orm';
import { apiMigrations } from '../db/migrations.ts';
import { outbox } from '../db/schema.ts';
import { type apiClient, startApiOnStack, testApiConfig } from '../testing.ts';

// Real stack: api → outbox → relay → daprd (bulk publish, partitionKey) → Kafka 4.
describe.skipIf(!stackEnabled)('outbox to Kafka through daprd (real stack)', () => {
  let stack: LocalStack;
  let db: DbHandle;
  let relay: OutboxRelay;
  let client: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    stack = await sharedStack('outbox.stack');
    db = await createDb({ url: await stack.createDatabase('api') });
    await db.migrate(apiMigrations);
    const config = testApiConfig();
    const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
    const onStack = await startApiOnStack(stack, { db, logger, config, backoffMaxMs: 2_000 });
    ({ client, relay } = onStack);
    expect(onStack.app.sidecar.httpPort).toBeGreaterThan(0);
  }, 180_000);
  afterAll(async () => {
    await relay?.stop();
    await db?.close();
    // Every app this file started: left running, they would take the next file's messages.
    await stack?.close();
  }, 60_000);

  // Dapr wraps each envelope in a CloudEvent: the envelope is its `data`.
  const envelopeOf = (r: KafkaRecord) =>
    ((r.value as { data?: unknown }).data ?? r.value) as { event_id: string; payload: { task_id: string } };
  const eventIdOf = (r: KafkaRecord) => envelopeOf(r).event_id;
  const pending = async () =>
    (await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.publishedAt)))[0]?.n ?? 0;

  test('task lifecycle events reach Kafka schema-valid, keyed by user id, in per-user order', async () => {
    const users = await Promise.all([client.signUp(), client.signUp()]);
    for (let round = 0; round < 3; round++) {
      for (const u of users) {
        const { body: task } = await client.call('POST', '/api/v1/tasks', {
          token: u.token,
          body: { title: `round ${round}` },
        });
        await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: u.token, body: { priority: 'high' } });
        await client.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: u.token });
        await client.call('DELETE', `/api/v1/tasks/${task.id}`, { token: u.token });
      }
    }
    const expected = await db.db.select().from(outbox).where(sql`${outbox.topic} = 'task-events'`).orderBy(outbox.id);
    const ids = new Set(expected.map((r) => r.eventId));
    expect(ids.size).toBe(24);
    const records = await readTopic(
      stack.kafka.brokers,
      'task-events',
      (rs) => new Set(rs.map(eventIdOf).filter((id) => ids.has(id))).size >= ids.size,
      60_000,
    );
    const mine = records.filter((r) => ids.has(eventIdOf(r)));
    expect(new Set(mine.map(eventIdOf)).size).toBe(24);
    for (const record of mine) {
      const parsed = parseEvent(envelopeOf(record));
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(record.key).toBe(parsed.event.user_id);
    }
    for (const u of users) {
      const sent = expected.filter((r) => r.partitionKey === u.userId).map((r) => r.eventId);
      const received = mine
        .filter((r) => r.key === u.userId)
        .sort((a, b) => Number(a.offset - b.offset))
        .map(eventIdOf);
      expect(new Set(mine.filter((r) => r.key === u.userId).map((r) => r.partition)).size).toBe(1);
      expect([...new Set(received)]).toEqual(sent);
    }
  }, 120_000);

  test('broker down for 30 s while tasks are created: nothing is lost', async () => {
    const u = await client.signUp();
    await stack.kafka.stop();
    const created: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await client.call('POST', '/api/v1/tasks', { token: u.token, body: { title: `during outage ${i}` } });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    await Bun.sleep(30_000);
    const stuck = await pending();
    expect(stuck).toBeGreaterThanOrEqual(40);
    await stack.kafka.restart();
    const until = Date.now() + 90_000;
    while ((await pending()) > 0 && Date.now() < until) await Bun.sleep(500);
    expect(await pending()).toBe(0);
    const records = await readTopic(
      stack.kafka.brokers,
      'task-events',
      (rs) => new Set(rs.filter((r) => r.key === u.userId).map((r) => envelopeOf(r).payload.task_id)).size >= 40,
      60_000,
    );
    const taskIds = new Set(records.filter((r) => r.key === u.userId).map((r) => envelopeOf(r).payload.task_id));
    expect([...taskIds].sort()).toEqual([...created].sort());
  }, 240_000);
});
