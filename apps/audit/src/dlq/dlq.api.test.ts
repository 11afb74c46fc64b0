import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rowsOf } from '@tasktide/db';
import { dbKinds } from '@tasktide/db/testing';
import { type AnyEvent, deadLetterTopic, type Topic, topics } from '@tasktide/events';
import { createLogger, createMetrics, createService } from '@tasktide/service-kit';
import { eventually, jsonClient } from '@tasktide/service-kit/testing';
import { and, count, eq, sql } from 'drizzle-orm';
import { deadLetters } from '../db/schema.ts';
import { createTestAudit, TEST_OPERATOR_TOKEN, type TestAudit, testEvent } from '../testing.ts';
import { dlqRoutes } from './index.ts';

describe.each(dbKinds())('dead letters and the operator API (%s)', (kind) => {
  let audit: TestAudit;
  beforeAll(async () => {
    audit = await createTestAudit(kind, { consume: true });
  }, 60_000);
  afterAll(async () => {
    await audit.close();
  });

  const op = (method: string, path: string, body?: unknown) =>
    audit.call(method, `/internal/dlq${path}`, { token: TEST_OPERATOR_TOKEN, body });
  /** What an app publishes when its handler drops a message. */
  const dropped = (event: AnyEvent | Record<string, unknown>, consumer: string, topic: Topic = topics.taskEvents) => ({
    event_id: event.event_id as string,
    dead_letter: { consumer, topic, reason: `${consumer} could not handle it` },
    original: event,
  });
  async function deadLetter(topic: Topic, data: Record<string, unknown>) {
    await audit.platform.pubsub.publish(deadLetterTopic(topic), [{ key: 'k', data: data as { event_id: string } }]);
  }
  const entriesOf = (eventId: string) =>
    audit.db.db.select().from(deadLetters).where(eq(deadLetters.eventId, eventId)).orderBy(deadLetters.id);
  const until = <T>(what: string, probe: () => Promise<T[]>, n: number) =>
    eventually(what, async () => {
      const rows = await probe();
      return rows.length === n ? rows : undefined;
    });
  /** Messages the embedded bus holds for a topic and event id (what a redrive published). */
  const published = async (topic: string, eventId: string) =>
    rowsOf<{ n: number }>(
      await audit.db.db.execute(
        sql`select count(*)::int as n from embedded.bus_messages where topic = ${topic} and data->>'event_id' = ${eventId}`,
      ),
    )[0]?.n ?? 0;

  test('both DLQ shapes are stored, once per (event, topic, consumer); arriving again counts', async () => {
    const user = crypto.randomUUID();
    const e = testEvent('task.completed', user);
    await deadLetter(topics.taskEvents, dropped(e, 'recurrence'));
    await deadLetter(topics.taskEvents, dropped(e, 'notifier'));
    await deadLetter(topics.taskEvents, dropped(e, 'recurrence'));
    const raw = testEvent('reminder.due', user);
    await deadLetter(topics.reminders, raw);
    const rows = await until('two entries', () => entriesOf(e.event_id), 2);
    await eventually('the second arrival', async () =>
      (await entriesOf(e.event_id))[0]?.deadLetterCount === 2 ? 1 : undefined,
    );
    expect(rows.map((r) => r.consumer).sort()).toEqual(['notifier', 'recurrence']);
    const [fromBus] = await until('the raw entry', () => entriesOf(raw.event_id), 1);
    expect(fromBus).toMatchObject({
      topic: 'reminders-dlq',
      originalTopic: 'reminders',
      consumer: 'unknown',
      envelope: raw,
    });
  });

  describe('operator authentication', () => {
    test.each([
      ['no Authorization header', undefined, 401],
      ['a wrong token', 'not-the-operator-token', 401],
      ['a user JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 401],
    ])('%s is refused with problem+json before the input is even read', async (_name, token, status) => {
      for (const [method, path] of [
        ['GET', '/internal/dlq?limit=0'],
        ['GET', '/internal/dlq/1'],
        ['POST', '/internal/dlq/1/redrive'],
        ['POST', '/internal/dlq/redrive'],
      ] as const) {
        const res = await audit.call(method, path, { token, body: method === 'POST' ? {} : undefined });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });
    test('without a configured OPERATOR_TOKEN every call is refused with 403', async () => {
      const off = await createTestAudit(kind, { db: audit.db, operatorToken: undefined });
      for (const token of [undefined, TEST_OPERATOR_TOKEN, '']) {
        const res = await off.call('GET', '/internal/dlq', { token });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      await off.runtime.close();
    });
  });

  test('lists per topic, pending by default, oldest first, in cursor pages', async () => {
    const user = crypto.randomUUID();
    const sent = Array.from({ length: 5 }, () => testEvent('task.created', user));
    for (const e of sent) await deadLetter(topics.taskUpdates, dropped(e, 'realtime', topics.taskUpdates));
    await eventually('5 entries', async () => {
      const [row] = await audit.db.db
        .select({ n: count() })
        .from(deadLetters)
        .where(and(eq(deadLetters.originalTopic, 'task-updates'), eq(deadLetters.consumer, 'realtime')));
      return row?.n === 5 ? true : undefined;
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await op('GET', `?topic=task-updates&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { event_id: string }) => i.event_id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(sent.map((e) => e.event_id));
    const [first] = await entriesOf(sent[0]?.event_id ?? '');
    const one = await op('GET', `/${first?.id}`);
    expect(one.body).toMatchObject({ original_topic: 'task-updates', consumer: 'realtime', redriven_at: null });
    expect((await op('GET', '?topic=task-updates&status=redriven')).body.items).toEqual([]);
  });

  test.each([
    ['an unknown topic', 'GET', '?topic=payments', undefined, '/topic'],
    ['the DLQ topic instead of the original', 'GET', '?topic=task-events-dlq', undefined, '/topic'],
    ['an unknown status', 'GET', '?status=lost', undefined, '/status'],
    ['a limit over 100', 'GET', '?limit=101', undefined, '/limit'],
    ['a cursor that is not ours', 'GET', '?cursor=bm9wZQ', undefined, '/cursor'],
    ['an id that is not a number', 'GET', '/abc', undefined, '/id'],
    ['a redrive without a topic', 'POST', '/redrive', {}, '/topic'],
    ['a redrive of an unknown topic', 'POST', '/redrive', { topic: 'payments' }, '/topic'],
  ])('rejects %s with problem+json', async (_name, method, path, body, field) => {
    const res = await op(method, path, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('redriving one entry publishes the original to its topic, where the same handlers apply it', async () => {
    const user = crypto.randomUUID();
    const e = testEvent('task.updated', user);
    await deadLetter(topics.taskEvents, dropped(e, 'audit'));
    const [entry] = await until('the entry', () => entriesOf(e.event_id), 1);
    const res = await op('POST', `/${entry!.id}/redrive`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: entry!.id, redrive_count: 1 });
    expect(res.body.redriven_at).not.toBeNull();
    // The audit log's own consumer receives it from task-events and appends it.
    const token = await audit.tokenFor(user);
    const logged = await eventually('the redriven event in the log', async () => {
      const page = await audit.call('GET', '/api/v1/audit/events', { token });
      return page.body.items.length ? page.body.items : undefined;
    });
    expect(logged.map((i: { event_id: string }) => i.event_id)).toEqual([e.event_id]);
    expect(await published('task-events', e.event_id)).toBe(1);
    expect((await op('GET', '/999999999')).status).toBe(404);
    expect((await op('POST', '/999999999/redrive')).status).toBe(404);
  });

  test('redriving a topic sends each pending event once, marks every entry, and empties the DLQ gauge', async () => {
    const user = crypto.randomUUID();
    const e1 = testEvent('reminder.due', user);
    const e2 = testEvent('reminder.scheduled', user);
    await deadLetter(topics.reminders, dropped(e1, 'notifier', topics.reminders));
    await deadLetter(topics.reminders, dropped(e1, 'audit', topics.reminders));
    await deadLetter(topics.reminders, dropped(e2, 'notifier', topics.reminders));
    await until('3 entries', async () => [...(await entriesOf(e1.event_id)), ...(await entriesOf(e2.event_id))], 3);
    const gauge = async () => {
      const text = await audit.metrics.registry.metrics();
      return Number(/tasktide_dlq_entries\{topic="reminders"[^}]*\} (\d+)/.exec(text)?.[1]);
    };
    expect(await gauge()).toBeGreaterThanOrEqual(3);
    const res = await op('POST', '/redrive', { topic: 'reminders' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ topic: 'reminders', failed: 0, error: null });
    expect(res.body.redriven).toBeGreaterThanOrEqual(3);
    expect(await published('reminders', e1.event_id)).toBe(1);
    expect(await published('reminders', e2.event_id)).toBe(1);
    expect(await gauge()).toBe(0);
    expect((await op('GET', '?topic=reminders')).body.items).toEqual([]);
    const again = await op('POST', '/redrive', { topic: 'reminders' });
    expect(again.body).toMatchObject({ redriven: 0, published: 0, failed: 0 });
  });

  test('an entry that fails again after a redrive is pending again', async () => {
    const user = crypto.randomUUID();
    const e = testEvent('task.created', user);
    await deadLetter(topics.taskEvents, dropped(e, 'recurrence'));
    const [entry] = await until('the entry', () => entriesOf(e.event_id), 1);
    await op('POST', `/${entry!.id}/redrive`);
    await deadLetter(topics.taskEvents, dropped(e, 'recurrence'));
    const back = await eventually('pending again', async () => {
      const [row] = await entriesOf(e.event_id);
      return row?.redrivenAt === null ? row : undefined;
    });
    expect(back).toMatchObject({ id: entry!.id, deadLetterCount: 2, redriveCount: 1 });
  });

  test('an entry without an envelope cannot be redriven', async () => {
    const [row] = await audit.db.db
      .insert(deadLetters)
      .values({
        topic: 'task-events-dlq',
        originalTopic: 'task-events',
        consumer: 'x',
        reason: 'empty',
        eventId: `sha256:${crypto.randomUUID()}`,
        envelope: null,
      })
      .returning();
    const res = await op('POST', `/${row!.id}/redrive`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
  });

  describe('when the broker refuses the publish', () => {
    const failing = {
      throws: { publish: async () => Promise.reject(new Error('broker down')) },
      refuses: {
        publish: async (_t: string, ms: { data: { event_id: string } }[]) => ({
          published: [],
          failed: ms.map((m) => ({ eventId: m.data.event_id, error: 'not leader' })),
        }),
      },
    };
    test.each(
      Object.keys(failing) as (keyof typeof failing)[],
    )('a redrive (publish %s) answers 503 and the entry stays pending', async (how) => {
      const app = createService({
        name: 'audit',
        logger: createLogger({ service: 'audit', level: 'silent' }),
        metrics: createMetrics('audit'),
      }).use(dlqRoutes({ db: audit.db.db, pubsub: failing[how], operatorToken: TEST_OPERATOR_TOKEN }));
      const call = jsonClient((r) => app.handle(r));
      const e = testEvent('task.deleted', crypto.randomUUID());
      await deadLetter(topics.taskUpdates, dropped(e, 'realtime', topics.taskUpdates));
      const [entry] = await until('the entry', () => entriesOf(e.event_id), 1);
      const one = await call('POST', `/internal/dlq/${entry!.id}/redrive`, { token: TEST_OPERATOR_TOKEN });
      expect(one.status).toBe(503);
      const all = await call('POST', '/internal/dlq/redrive', {
        token: TEST_OPERATOR_TOKEN,
        body: { topic: 'task-updates' },
      });
      expect(all.status).toBe(503);
      expect((await entriesOf(e.event_id))[0]).toMatchObject({ redrivenAt: null, redriveCount: 0 });
      // Leave the topic clean for the other tests.
      await audit.db.db.update(deadLetters).set({ redrivenAt: new Date() }).where(eq(deadLetters.id, entry!.id));
    });
  });
});
