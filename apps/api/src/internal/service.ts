import type { Db, Tx } from '@tasktide/db';
import { createEvent, type EventContext } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, getTableColumns, gt, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { outbox, seriesCancellations, type TaskRow, tasks } from '../db/schema.ts';
import { authorizeTask, roleIn } from '../projects/access.ts';
import { toSnapshot } from '../tasks/dto.ts';

export type NextOccurrenceResult = { status: 'created' | 'existing'; task: TaskRow };

/**
 * Creates the occurrence that follows a completed one. A series holds at most one successor per
 * occurrence: a redelivered completion finds the task it created (unique source_event_id), and a
 * second completion of the same occurrence (complete → reopen → complete) finds the successor the
 * first one left (unique parent_id). A completion that was taken back (the occurrence is open again)
 * or superseded (it was completed again later: `completedAt` differs) creates nothing — 409, like a
 * cancelled series; 404 when the parent is gone.
 */
export async function createNextOccurrence(
  db: Db,
  input: { parentId: string; userId: string; sourceEventId: string; dueAt: Date; completedAt?: Date },
  ctx: Omit<EventContext, 'userId'>,
): Promise<NextOccurrenceResult> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(tasks).where(eq(tasks.sourceEventId, input.sourceEventId));
    if (existing) return { status: 'existing', task: existing };
    // FOR UPDATE: two completions of one occurrence racing here are serialised on the parent.
    const [parent] = await tx.select().from(tasks).where(eq(tasks.id, input.parentId)).for('update');
    if (parent && !(await actedOnBy(tx, parent, input.userId))) throw new AppError('not_found', 'No such task');
    if (!parent) throw new AppError('not_found', 'The completed occurrence no longer exists');
    if (!parent.recurrence || !parent.seriesId) throw new AppError('conflict', 'The task is not recurring');
    if (parent.status !== 'completed') throw new AppError('conflict', 'The occurrence was reopened');
    if (input.completedAt && parent.completedAt?.getTime() !== input.completedAt.getTime()) {
      throw new AppError('conflict', 'The occurrence was completed again since; that completion decides');
    }
    return insertSuccessor(tx, parent, input.dueAt, input.sourceEventId, ctx);
  });
}

/**
 * Creates the occurrence that follows one whose due time has passed, for a series `on_schedule`
 * (the recurrence service's job or sweep asks; the current occurrence may still be open). The same
 * one-successor-per-occurrence rule as a completion: whichever comes first creates the next slot,
 * the other finds it. Never early: before the parent's due time (the api's clock) it is a 409.
 */
export async function createScheduledOccurrence(
  db: Db,
  input: { parentId: string; userId: string; dueAt: Date },
  ctx: Omit<EventContext, 'userId'> & { at: Date },
): Promise<NextOccurrenceResult> {
  return db.transaction(async (tx) => {
    const [parent] = await tx.select().from(tasks).where(eq(tasks.id, input.parentId)).for('update');
    if (parent && !(await actedOnBy(tx, parent, input.userId))) throw new AppError('not_found', 'No such task');
    if (!parent) throw new AppError('not_found', 'The occurrence no longer exists');
    if (!parent.recurrence || !parent.seriesId || !parent.dueAt) {
      throw new AppError('conflict', 'The task is not recurring');
    }
    if (parent.recurrenceMode !== 'on_schedule') throw new AppError('conflict', 'The series recurs on completion');
    if (parent.dueAt.getTime() > ctx.at.getTime()) throw new AppError('conflict', 'The occurrence is not due yet');
    if (input.dueAt.getTime() <= parent.dueAt.getTime()) {
      throw new AppError('conflict', 'The next occurrence must be due after this one');
    }
    return insertSuccessor(tx, parent, input.dueAt, null, ctx);
  });
}

/**
 * Whether `userId` (the event's actor) could have acted on the task: its creator, or a member of
 * its project — in a shared project the completion may be another member's.
 */
async function actedOnBy(tx: Tx, task: TaskRow, userId: string): Promise<boolean> {
  return task.userId === userId || (await roleIn(tx, userId, task.projectId)) !== null;
}

/** The series' next occurrence after `parent`, unless it exists already or the series was cancelled. */
async function insertSuccessor(
  tx: Tx,
  parent: TaskRow,
  dueAt: Date,
  sourceEventId: string | null,
  ctx: Omit<EventContext, 'userId'>,
): Promise<NextOccurrenceResult> {
  const seriesId = parent.seriesId as string;
  const [successor] = await tx.select().from(tasks).where(eq(tasks.parentId, parent.id));
  if (successor) return { status: 'existing', task: successor };
  // Made once and deleted by its user since: neither a schedule nor a redelivery brings it back.
  if (parent.nextCreated) throw new AppError('conflict', 'The next occurrence was deleted');
  const [cancelled] = await tx.select().from(seriesCancellations).where(eq(seriesCancellations.seriesId, seriesId));
  if (cancelled) throw new AppError('conflict', 'The series was cancelled');
  const [row] = (await tx
    .insert(tasks)
    .values({
      id: Bun.randomUUIDv7(),
      userId: parent.userId,
      projectId: parent.projectId,
      assigneeId: parent.assigneeId,
      title: parent.title,
      description: parent.description,
      priority: parent.priority,
      tags: parent.tags,
      dueAt,
      timezone: parent.timezone,
      reminders: parent.reminders,
      recurrence: parent.recurrence,
      recurrenceMode: parent.recurrenceMode,
      seriesId,
      seriesStart: parent.seriesStart ?? parent.dueAt,
      occurrenceIndex: parent.occurrenceIndex + 1,
      parentId: parent.id,
      sourceEventId,
      createdAt: ctx.at,
      updatedAt: ctx.at,
    })
    .returning()) as TaskRow[];
  const task = row as TaskRow;
  await tx.update(tasks).set({ nextCreated: true }).where(eq(tasks.id, parent.id));
  const eventCtx = { ...ctx, userId: parent.userId };
  await writeEvents(tx, outbox, [
    createEvent('task.created', toSnapshot(task), eventCtx),
    createEvent(
      'task.recurrence',
      {
        parent_task_id: parent.id,
        task_id: task.id,
        series_id: seriesId,
        recurrence_rule: parent.recurrence as string,
        due_at: dueAt.toISOString(),
      },
      eventCtx,
    ),
  ]);
  return { status: 'created', task };
}

/**
 * Open occurrences of series `on_schedule` whose due time is at or before `before` and whose next
 * occurrence was never created: what the recurrence sweep catches up after downtime. Keyset-paged by
 * (due_at, id), so occurrences whose series has ended (the sweep skips them) never block later ones.
 */
export async function listElapsedOccurrences(
  db: Db,
  input: { before: Date; after?: { dueAt: Date; id: string }; limit: number },
): Promise<TaskRow[]> {
  return db
    .select(getTableColumns(tasks))
    .from(tasks)
    .leftJoin(seriesCancellations, eq(seriesCancellations.seriesId, tasks.seriesId))
    .where(
      and(
        eq(tasks.recurrenceMode, 'on_schedule'),
        eq(tasks.status, 'open'),
        eq(tasks.nextCreated, false),
        isNotNull(tasks.recurrence),
        lte(tasks.dueAt, input.before),
        isNull(seriesCancellations.seriesId),
        input.after
          ? or(
              gt(tasks.dueAt, input.after.dueAt),
              and(eq(tasks.dueAt, input.after.dueAt), gt(tasks.id, input.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(tasks.dueAt), asc(tasks.id))
    .limit(input.limit);
}

/**
 * The current state of a task for another service's re-check (e.g. a reminder about to fire): only
 * while the user may read it (a member of its project, by the same policy as the routes).
 */
export async function getTaskForUser(db: Db, userId: string, id: string): Promise<TaskRow> {
  return (await authorizeTask(db, userId, id, 'task.read')).task;
}
