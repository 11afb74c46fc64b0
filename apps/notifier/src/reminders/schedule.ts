import type { Tx } from '@tasktide/db';
import { type AnyEvent, createEvent, type TaskSnapshot } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { and, eq, inArray } from 'drizzle-orm';
import { outbox, type ReminderRow, reminders, taskOwners } from '../db/schema.ts';

type Snapshot = typeof TaskSnapshot.static;

/** Work for the scheduler after the transaction commits (jobs live outside the database). */
export interface JobOps {
  register: ReminderRow[];
  cancel: string[];
}

export const jobNameOf = (reminderId: string) => `reminder-${reminderId}`;

function snapshotOf(event: AnyEvent): Snapshot | null {
  switch (event.event_type) {
    case 'task.created':
      return event.payload;
    case 'task.updated':
    case 'task.completed':
      return event.payload.task;
    default:
      return null;
  }
}

/**
 * Who gets the task's reminders and notices: its assignee, else the member who created it. The
 * creator is recorded from task.created (any earlier-arriving event of another member only guesses,
 * and task.created corrects it: events of different members are not ordered relative to each other).
 */
export async function recipientOf(tx: Tx, event: AnyEvent, task: Snapshot): Promise<string> {
  const created = event.event_type === 'task.created';
  const [owner] = await tx
    .insert(taskOwners)
    .values({ taskId: task.task_id, ownerId: event.user_id, fromCreated: created })
    .onConflictDoUpdate({
      target: taskOwners.taskId,
      set: created ? { ownerId: event.user_id, fromCreated: true } : { taskId: task.task_id },
      ...(created ? { setWhere: eq(taskOwners.fromCreated, false) } : {}),
    })
    .returning({ ownerId: taskOwners.ownerId });
  if (owner) return task.assignee_id ?? owner.ownerId;
  // task.created redelivered after the owner was fixed: the update was skipped, read it.
  const [stored] = await tx
    .select({ ownerId: taskOwners.ownerId })
    .from(taskOwners)
    .where(eq(taskOwners.taskId, task.task_id));
  return task.assignee_id ?? stored?.ownerId ?? event.user_id;
}

/**
 * Brings a task's reminder rows in line with the task as this event describes it: one row per
 * offset while the task is open and due, plus its overdue row (at the due time); moved rows are re-registered, dropped ones cancelled, and
 * offsets whose time has already passed are recorded as skipped (never sent). Stale events (older
 * version than the rows) change nothing.
 */
export async function syncReminders(tx: Tx, event: AnyEvent, now = new Date()): Promise<JobOps> {
  // "In the past" is judged at the change's commit time (the event timestamp), not when this
  // consumer gets to it: a reminder that was ahead when the user set it is still sent (late, at
  // once) if the pipeline was slow; one already behind when it was set is skipped.
  const setAt = new Date(event.timestamp);
  const taskId = event.event_type === 'task.deleted' ? event.payload.task_id : snapshotOf(event)?.task_id;
  const ops: JobOps = { register: [], cancel: [] };
  if (!taskId || !event.event_type.startsWith('task.')) return ops;
  const existing = await tx.select().from(reminders).where(eq(reminders.taskId, taskId)).for('update');
  const task = snapshotOf(event);
  // Reminders go to the assignee (else the creator); a re-assignment moves the ones still to come.
  // Recorded before the staleness check: a late task.created still names the creator.
  const recipient = task ? await recipientOf(tx, event, task) : event.user_id;
  if (task && existing.some((r) => r.taskVersion > task.version)) return ops;
  if (event.event_type === 'task.deleted') await tx.delete(taskOwners).where(eq(taskOwners.taskId, taskId));

  // Keyed `kind:offset`: one row per reminder offset, and one overdue row at the due time itself.
  const wanted = new Map<string, Date>();
  if (task && task.status === 'open' && task.due_at) {
    const due = new Date(task.due_at);
    for (const offset of task.reminders) wanted.set(`reminder:${offset}`, new Date(due.getTime() - offset * 60_000));
    wanted.set('overdue:0', due);
  }
  const cancelIds: string[] = [];
  for (const row of existing) {
    const key = `${row.kind}:${row.offsetMinutes}`;
    const at = wanted.get(key);
    // Sent or skipped for this very time: done, never again. A *cancelled* row is not done — the
    // task was completed, or the offset removed, and now it is back (reopen, undo): re-plan it.
    const settled = row.status === 'sent' || row.status === 'skipped';
    if (settled && at?.getTime() === row.remindAt.getTime()) {
      wanted.delete(key);
      continue;
    }
    if (!at) {
      if (row.status === 'scheduled') cancelIds.push(row.id);
      continue;
    }
    wanted.delete(key);
    if (!task) continue;
    if (row.status === 'scheduled' && at.getTime() === row.remindAt.getTime()) {
      // Same time: keep the registered job, refresh what the reminder will say and to whom (the
      // job names only the row, so a new assignee needs no new job).
      await tx
        .update(reminders)
        .set({ taskVersion: task.version, title: task.title, userId: recipient, updatedAt: now })
        .where(eq(reminders.id, row.id));
      continue;
    }
    const future = at > setAt;
    const [updated] = await tx
      .update(reminders)
      .set({
        remindAt: at,
        dueAt: new Date(task.due_at as string),
        taskVersion: task.version,
        title: task.title,
        userId: recipient,
        status: future ? 'scheduled' : 'skipped',
        jobRegistered: false,
        sentAt: null,
        late: false,
        updatedAt: now,
      })
      .where(eq(reminders.id, row.id))
      .returning();
    if (updated && future) ops.register.push(updated);
    else if (row.status === 'scheduled') ops.cancel.push(row.id);
  }
  if (cancelIds.length) {
    await tx
      .update(reminders)
      .set({ status: 'cancelled', updatedAt: now })
      .where(and(inArray(reminders.id, cancelIds), eq(reminders.status, 'scheduled')));
    ops.cancel.push(...cancelIds);
  }
  if (task && wanted.size) {
    const rows = await tx
      .insert(reminders)
      .values(
        [...wanted].map(([key, at]) => ({
          id: Bun.randomUUIDv7(),
          userId: recipient,
          taskId: task.task_id,
          kind: key.startsWith('overdue:') ? ('overdue' as const) : ('reminder' as const),
          offsetMinutes: Number(key.slice(key.indexOf(':') + 1)),
          remindAt: at,
          dueAt: new Date(task.due_at as string),
          taskVersion: task.version,
          title: task.title,
          // A reminder whose time has already passed when it is set is not sent.
          status: at > setAt ? ('scheduled' as const) : ('skipped' as const),
        })),
      )
      .returning();
    ops.register.push(...rows.filter((r) => r.status === 'scheduled'));
  }
  return ops;
}

/**
 * `reminder.scheduled` for every reminder this change planned or moved, in the same transaction
 * (seed 004 FR-E01): the notifier is what plans reminders, so it announces them, on the reminders
 * topic, carrying the change's correlation id. The audit log records them.
 */
export async function announceScheduled(tx: Tx, cause: AnyEvent, planned: ReminderRow[]) {
  // Only the reminders the user set: the overdue notice planned beside them is not a reminder.
  const reminders = planned.filter((row) => row.kind === 'reminder');
  if (!reminders.length) return;
  await writeEvents(
    tx,
    outbox,
    reminders.map((row) =>
      createEvent(
        'reminder.scheduled',
        {
          task_id: row.taskId,
          reminder_time: row.remindAt.toISOString(),
          offset_minutes: row.offsetMinutes,
          job_name: jobNameOf(row.id),
        },
        { userId: row.userId, correlationId: cause.correlation_id },
      ),
    ),
  );
}
