import type { Db } from '@tasktide/db';
import { createEvent, type TaskSnapshot } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import type { Invoker, Jobs } from '@tasktide/platform';
import { and, eq } from 'drizzle-orm';
import { outbox, reminders } from '../db/schema.ts';
import type { ReminderMetrics } from './metrics.ts';
import { jobNameOf } from './schedule.ts';

export interface FireDeps {
  db: Db;
  invoker: Invoker;
  jobs: Jobs;
  metrics: ReminderMetrics;
  /** Wakes the outbox relay after a commit. */
  onOutboxWrite?: () => void;
  now?: () => Date;
}

export type FireOutcome = 'sent' | 'duplicate' | 'early' | 'cancelled' | 'stale' | 'missing';

/** Asks the api for the task as it is now; null when it no longer exists. */
async function currentTask(
  invoker: Invoker,
  userId: string,
  taskId: string,
): Promise<typeof TaskSnapshot.static | null> {
  const res = await invoker.invoke('api', `internal/tasks/${taskId}?user_id=${userId}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`api task lookup failed: ${res.status}`);
  return (await res.json()) as typeof TaskSnapshot.static;
}

/**
 * A reminder's trigger (job callback or sweep). Never early: a trigger before its time re-arms the
 * job. Exactly once: the row flips scheduled → sent in the same transaction that writes the
 * reminder.due event to the outbox, so a repeated trigger finds it sent. Before sending it re-checks
 * the task with the api — deleted, completed or moved tasks get no reminder.
 */
export async function fireReminder(
  deps: FireDeps,
  reminderId: string,
  opts: { viaSweep?: boolean } = {},
): Promise<FireOutcome> {
  const now = deps.now?.() ?? new Date();
  const [row] = await deps.db.select().from(reminders).where(eq(reminders.id, reminderId));
  if (!row) return 'missing';
  if (row.status !== 'scheduled') {
    deps.metrics.duplicates.inc();
    return 'duplicate';
  }
  if (row.remindAt > now) {
    await deps.jobs.schedule(jobNameOf(row.id), { dueTime: row.remindAt, data: { reminder_id: row.id } });
    deps.metrics.fired.inc({ outcome: 'rescheduled_early' });
    return 'early';
  }
  const task = await currentTask(deps.invoker, row.userId, row.taskId);
  if (
    !task ||
    task.status !== 'open' ||
    task.due_at === null ||
    new Date(task.due_at).getTime() !== row.dueAt.getTime()
  ) {
    // Gone, done or moved. A move is followed by its task.updated event, which re-plans the row.
    const dropped = row.kind === 'reminder' && !task?.reminders.includes(row.offsetMinutes);
    if (!task || task.status !== 'open' || dropped) {
      await deps.db
        .update(reminders)
        .set({ status: 'cancelled', updatedAt: now })
        .where(and(eq(reminders.id, row.id), eq(reminders.status, 'scheduled')));
      deps.metrics.fired.inc({ outcome: 'cancelled' });
      return 'cancelled';
    }
    deps.metrics.fired.inc({ outcome: 'stale' });
    return 'stale';
  }
  const lateBy = now.getTime() - row.remindAt.getTime();
  const late = opts.viaSweep === true || lateBy > 60_000;
  const sent = await deps.db.transaction(async (tx) => {
    const [flipped] = await tx
      .update(reminders)
      .set({ status: 'sent', sentAt: now, late, updatedAt: now })
      .where(and(eq(reminders.id, row.id), eq(reminders.status, 'scheduled')))
      .returning();
    if (!flipped) return false;
    const ctx = { userId: row.userId, correlationId: `reminder-${row.id}` };
    await writeEvents(tx, outbox, [
      row.kind === 'overdue'
        ? createEvent(
            'task.overdue',
            {
              task_id: row.taskId,
              due_at: row.dueAt.toISOString(),
              title: task.title,
              priority: task.priority,
              fired_at: now.toISOString(),
              late,
            },
            ctx,
          )
        : createEvent(
            'reminder.due',
            {
              task_id: row.taskId,
              reminder_time: row.remindAt.toISOString(),
              offset_minutes: row.offsetMinutes,
              due_at: row.dueAt.toISOString(),
              title: task.title,
              fired_at: now.toISOString(),
              late,
              priority: task.priority,
            },
            ctx,
          ),
    ]);
    return true;
  });
  if (!sent) {
    deps.metrics.duplicates.inc();
    return 'duplicate';
  }
  deps.onOutboxWrite?.();
  deps.metrics.fired.inc({ outcome: 'sent' });
  deps.metrics.lateness.observe(Math.max(0, lateBy) / 1000);
  if (opts.viaSweep) deps.metrics.missed.inc();
  return 'sent';
}
