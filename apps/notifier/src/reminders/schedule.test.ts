import { describe, expect, test } from 'bun:test';
import { useTestDb } from '@tasktide/db/testing';
import { createEvent } from '@tasktide/events';
import { sql } from 'drizzle-orm';
import { notifierMigrations } from '../db/migrations.ts';
import { syncReminders } from './schedule.ts';

const snapshot = (taskId: string, dueAt: Date, reminders: number[], version = 1) => ({
  task_id: taskId,
  title: 't',
  description: '',
  priority: 'none' as const,
  tags: [],
  due_at: dueAt.toISOString(),
  timezone: 'UTC',
  reminders,
  recurrence: null,
  status: 'open' as const,
  completed_at: null,
  series_id: null,
  parent_id: null,
  version,
});

/** The reminder rows among the registered ones (each due task also has its overdue row). */
const remindersOf = <R extends { kind: string }>(ops: { register: R[] }) =>
  ops.register.filter((r) => r.kind === 'reminder');

describe('reminder planning judges "in the past" at commit time', () => {
  const db = useTestDb('pglite', { migrations: [notifierMigrations] });

  test('a reminder ahead at commit is scheduled even when the event arrives after its time', async () => {
    const committedAt = Date.now() - 10_000;
    const event = createEvent('task.created', snapshot(crypto.randomUUID(), new Date(committedAt + 65_000), [1]), {
      userId: crypto.randomUUID(),
      correlationId: 'c',
    });
    event.timestamp = new Date(committedAt).toISOString(); // the consumer is 10 s behind
    const ops = await db.db.transaction((tx) => syncReminders(tx, event));
    expect(remindersOf(ops)).toHaveLength(1);
    expect(remindersOf(ops)[0]?.status).toBe('scheduled');
  });

  test('a reminder already behind at commit is skipped', async () => {
    const event = createEvent('task.created', snapshot(crypto.randomUUID(), new Date(Date.now() + 30_000), [60]), {
      userId: crypto.randomUUID(),
      correlationId: 'c',
    });
    const ops = await db.db.transaction((tx) => syncReminders(tx, event));
    expect(remindersOf(ops)).toHaveLength(0);
    // …while the task's overdue notice, at the due time 30 s ahead, is planned.
    expect(ops.register.map((r) => r.kind)).toEqual(['overdue']);
  });
});

describe('a reminder comes back when the task comes back', () => {
  const db = useTestDb('pglite', { migrations: [notifierMigrations] });

  const userId = crypto.randomUUID();
  const ctx = { userId, correlationId: 'c' };
  const apply = (event: Parameters<typeof syncReminders>[1]) => db.db.transaction((tx) => syncReminders(tx, event));
  const later = () => new Date(Date.now() + 3_600_000);

  test('complete → reopen re-arms the reminder that completing cancelled', async () => {
    const taskId = crypto.randomUUID();
    const due = later();
    const open = snapshot(taskId, due, [1]);
    expect(remindersOf(await apply(createEvent('task.created', open, ctx)))).toHaveLength(1);
    const done = {
      ...snapshot(taskId, due, [1], 2),
      status: 'completed' as const,
      completed_at: new Date().toISOString(),
    };
    const completed = createEvent(
      'task.completed',
      { task_id: taskId, completed_at: done.completed_at, version: 2, task: done },
      ctx,
    );
    expect((await apply(completed)).cancel).toHaveLength(2); // the reminder and the overdue notice
    const reopened = snapshot(taskId, due, [1], 3);
    const ops = await apply(
      createEvent('task.updated', { task_id: taskId, version: 3, changes: { status: 'open' }, task: reopened }, ctx),
    );
    expect(ops.register.map((r) => [r.kind, r.status]).sort()).toEqual([
      ['overdue', 'scheduled'],
      ['reminder', 'scheduled'],
    ]);
  });

  test('reminders [] → [1] re-arms the same reminder', async () => {
    const taskId = crypto.randomUUID();
    const due = later();
    await apply(createEvent('task.created', snapshot(taskId, due, [1]), ctx));
    const none = snapshot(taskId, due, [], 2);
    expect(
      (
        await apply(
          createEvent('task.updated', { task_id: taskId, version: 2, changes: { reminders: [] }, task: none }, ctx),
        )
      ).cancel,
    ).toHaveLength(1);
    const back = snapshot(taskId, due, [1], 3);
    const ops = await apply(
      createEvent('task.updated', { task_id: taskId, version: 3, changes: { reminders: [1] }, task: back }, ctx),
    );
    expect(ops.register.map((r) => r.status)).toEqual(['scheduled']);
  });

  test('a reminder already sent for this very time is not sent again', async () => {
    const taskId = crypto.randomUUID();
    const due = later();
    const [row] = remindersOf(await apply(createEvent('task.created', snapshot(taskId, due, [1]), ctx)));
    await db.db.execute(sql`update notifier.reminders set status = 'sent' where id = ${row?.id}`);
    const again = snapshot(taskId, due, [1], 2);
    const ops = await apply(
      createEvent('task.updated', { task_id: taskId, version: 2, changes: { title: 'x' }, task: again }, ctx),
    );
    expect(ops.register).toHaveLength(0);
  });
});
