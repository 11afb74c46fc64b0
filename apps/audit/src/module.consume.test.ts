import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { topics } from '@tasktide/events';
import { eventually } from '@tasktide/service-kit/testing';
import { count, eq } from 'drizzle-orm';
import type { Counter } from 'prom-client';
import { deadLetters, events } from './db/schema.ts';
import { createTestAudit, type TestAudit, testEvent } from './testing.ts';

// The service's subscriptions on the embedded bus: every topic in, each event once, poison kept.
describe.each(dbKinds())('consuming every topic (%s)', (kind) => {
  let audit: TestAudit;
  beforeAll(async () => {
    audit = await createTestAudit(kind, { consume: true });
  }, 60_000);
  afterAll(async () => {
    await audit.close();
  });
  const rowsOf = async (userId: string) =>
    (await audit.db.db.select({ n: count() }).from(events).where(eq(events.userId, userId)))[0]?.n ?? 0;
  const appendedTotal = async () => {
    const metric = audit.metrics.registry.getSingleMetric('tasktide_audit_events_appended_total') as Counter;
    return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
  };

  test('task events arriving on task-events and task-updates, reminders and notifications: each stored once', async () => {
    const user = crypto.randomUUID();
    const task = crypto.randomUUID();
    const taskEvents = [
      testEvent('task.created', user, task),
      testEvent('task.updated', user, task),
      testEvent('task.completed', user, task),
      testEvent('task.deleted', user, task),
    ];
    const reminders = [testEvent('reminder.scheduled', user, task), testEvent('reminder.due', user, task)];
    const notification = testEvent('notification.created', user, task);
    const before = await appendedTotal();
    const message = (data: (typeof taskEvents)[number]) => ({ key: user, data });
    // As the outbox writes them: every task.* event on both topics, with the same event id.
    await audit.platform.pubsub.publish(topics.taskEvents, taskEvents.map(message));
    await audit.platform.pubsub.publish(topics.taskUpdates, [...taskEvents, notification].map(message));
    await audit.platform.pubsub.publish(topics.reminders, reminders.map(message));
    // A redelivery of one of them much later changes nothing.
    await audit.platform.pubsub.publish(topics.taskEvents, [message(taskEvents[1]!)]);
    await eventually('7 rows', async () => ((await rowsOf(user)) === 7 ? true : undefined));
    await Bun.sleep(500);
    expect(await rowsOf(user)).toBe(7);
    expect(await appendedTotal()).toBe(before + 7);
    const res = await audit.call('GET', '/api/v1/audit/verify', { token: await audit.tokenFor(user) });
    expect(res.body).toMatchObject({ ok: true, rows_checked: 7 });
    // Per-user order is kept by the partition key: task events appear in the order they happened.
    const seqOf = async (id: string) => (await audit.db.db.select().from(events).where(eq(events.eventId, id)))[0]?.seq;
    const seqs = await Promise.all(taskEvents.map((e) => seqOf(e.event_id)));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a ?? 0) - (b ?? 0)));
  });

  test('a failed notification (notification.failed on reminders) is in the user chain', async () => {
    const user = crypto.randomUUID();
    const failed = testEvent('notification.failed', user);
    await audit.platform.pubsub.publish(topics.reminders, [{ key: user, data: failed }]);
    await eventually('the audit row', async () => ((await rowsOf(user)) === 1 ? true : undefined));
    const [row] = await audit.db.db.select().from(events).where(eq(events.eventId, failed.event_id));
    expect(row?.eventType).toBe('notification.failed');
    const res = await audit.call('GET', '/api/v1/audit/verify', { token: await audit.tokenFor(user) });
    expect(res.body).toMatchObject({ ok: true, rows_checked: 1 });
  });

  test('a poison message is not logged but kept in dead_letters, naming the consumer and the reason', async () => {
    const user = crypto.randomUUID();
    const poison = { event_id: crypto.randomUUID(), event_type: 'task.created', schema_version: 1, user_id: user };
    await audit.platform.pubsub.publish(topics.taskEvents, [{ key: user, data: poison }]);
    const entry = await eventually('the dead letter', async () => {
      const [row] = await audit.db.db.select().from(deadLetters).where(eq(deadLetters.eventId, poison.event_id));
      return row;
    });
    expect(entry).toMatchObject({
      topic: 'task-events-dlq',
      originalTopic: 'task-events',
      consumer: 'audit',
      envelope: poison,
      redrivenAt: null,
    });
    expect(entry.reason).toStartWith('invalid event');
    expect(await rowsOf(user)).toBe(0);
  });
});
