import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { createEvent } from '@tasktide/events';
import { eq } from 'drizzle-orm';
import { notifierMigrations } from '../db/migrations.ts';
import { reminders } from '../db/schema.ts';
import { syncReminders } from './schedule.ts';

const project = crypto.randomUUID();
const snapshot = (taskId: string, dueAt: Date, version: number, assignee: string | null) => ({
  task_id: taskId,
  title: 'take out the bins',
  description: '',
  priority: 'none' as const,
  tags: [],
  due_at: dueAt.toISOString(),
  timezone: 'UTC',
  reminders: [30],
  recurrence: null,
  status: 'open' as const,
  completed_at: null,
  series_id: null,
  parent_id: null,
  version,
  project_id: project,
  assignee_id: assignee,
});

describe.each(dbKinds())('reminders go to the assignee, else the creator (%s)', (kind) => {
  let db: DbHandle;
  const [ada, bob, cyd] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const due = new Date(Date.now() + 3 * 3600_000);
  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.migrate(notifierMigrations);
  }, 60_000);
  afterAll(() => db.close());

  const ctx = (userId: string) => ({ userId, correlationId: 'recipient-test' });
  const sync = (event: ReturnType<typeof createEvent>) => db.db.transaction((tx) => syncReminders(tx, event));
  const rowsOf = (taskId: string) => db.db.select().from(reminders).where(eq(reminders.taskId, taskId));
  const updated = (actor: string, taskId: string, version: number, assignee: string | null) =>
    createEvent(
      'task.updated',
      { task_id: taskId, version, changes: { assignee_id: assignee }, task: snapshot(taskId, due, version, assignee) },
      ctx(actor),
    );

  test('unassigned: the creator, even when another member changes the task', async () => {
    const task = crypto.randomUUID();
    await sync(createEvent('task.created', snapshot(task, due, 1, null), ctx(ada)));
    await sync(
      createEvent(
        'task.updated',
        { task_id: task, version: 2, changes: { title: 'x' }, task: { ...snapshot(task, due, 2, null), title: 'x' } },
        ctx(bob),
      ),
    );
    const rows = await rowsOf(task);
    expect(rows).toHaveLength(2); // the reminder and the overdue notice
    expect(rows.every((r) => r.userId === ada)).toBe(true);
  });

  test('a re-assignment moves the reminders still to come, without a second job or row; unassigning returns them', async () => {
    const task = crypto.randomUUID();
    const planned = await sync(createEvent('task.created', snapshot(task, due, 1, bob), ctx(ada)));
    expect(planned.register.map((r) => r.userId)).toEqual([bob, bob]);
    const moved = await sync(updated(ada, task, 2, cyd));
    // Same times: the jobs stay (they name the row), only the recipient changes.
    expect(moved).toEqual({ register: [], cancel: [] });
    expect((await rowsOf(task)).map((r) => r.userId)).toEqual([cyd, cyd]);
    // cyd leaves: the api unassigns (by cyd's own event); the creator gets them back.
    await sync(updated(cyd, task, 3, null));
    const rows = await rowsOf(task);
    expect(rows.map((r) => r.userId)).toEqual([ada, ada]);
    expect(rows.every((r) => r.status === 'scheduled')).toBe(true);
  });

  test("another member's change arriving before task.created does not make them the creator", async () => {
    const task = crypto.randomUUID();
    await sync(updated(bob, task, 2, null));
    // task.created (older version) arrives late: it changes no row, but records the real creator.
    await sync(createEvent('task.created', snapshot(task, due, 1, null), ctx(ada)));
    await sync(updated(bob, task, 3, null));
    expect((await rowsOf(task)).map((r) => r.userId)).toEqual([ada, ada]);
  });

  test('a redelivered event changes nothing', async () => {
    const task = crypto.randomUUID();
    const created = createEvent('task.created', snapshot(task, due, 1, bob), ctx(ada));
    await sync(created);
    const plan = async () => (await rowsOf(task)).map(({ updatedAt: _, ...row }) => row);
    const before = await plan();
    await sync(created);
    expect(await plan()).toEqual(before);
  });
});
