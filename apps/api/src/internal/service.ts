import type { Db } from '@tasktide/db';
import { createEvent, type EventContext } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { AppError } from '@tasktide/service-kit';
import { and, eq } from 'drizzle-orm';
import { outbox, seriesCancellations, type TaskRow, tasks } from '../db/schema.ts';
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
    const [parent] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.id, input.parentId), eq(tasks.userId, input.userId)))
      .for('update');
    if (!parent) throw new AppError('not_found', 'The completed occurrence no longer exists');
    if (!parent.recurrence || !parent.seriesId) throw new AppError('conflict', 'The task is not recurring');
    if (parent.status !== 'completed') throw new AppError('conflict', 'The occurrence was reopened');
    if (input.completedAt && parent.completedAt?.getTime() !== input.completedAt.getTime()) {
      throw new AppError('conflict', 'The occurrence was completed again since; that completion decides');
    }
    const [successor] = await tx.select().from(tasks).where(eq(tasks.parentId, parent.id));
    if (successor) return { status: 'existing', task: successor };
    const [cancelled] = await tx
      .select()
      .from(seriesCancellations)
      .where(eq(seriesCancellations.seriesId, parent.seriesId));
    if (cancelled) throw new AppError('conflict', 'The series was cancelled');
    const [row] = (await tx
      .insert(tasks)
      .values({
        id: Bun.randomUUIDv7(),
        userId: parent.userId,
        title: parent.title,
        description: parent.description,
        priority: parent.priority,
        tags: parent.tags,
        dueAt: input.dueAt,
        timezone: parent.timezone,
        reminders: parent.reminders,
        recurrence: parent.recurrence,
        seriesId: parent.seriesId,
        seriesStart: parent.seriesStart ?? parent.dueAt,
        occurrenceIndex: parent.occurrenceIndex + 1,
        parentId: parent.id,
        sourceEventId: input.sourceEventId,
        createdAt: ctx.at,
        updatedAt: ctx.at,
      })
      .returning()) as TaskRow[];
    const task = row as TaskRow;
    const eventCtx = { ...ctx, userId: parent.userId };
    await writeEvents(tx, outbox, [
      createEvent('task.created', toSnapshot(task), eventCtx),
      createEvent(
        'task.recurrence',
        {
          parent_task_id: parent.id,
          task_id: task.id,
          series_id: parent.seriesId,
          recurrence_rule: parent.recurrence,
          due_at: input.dueAt.toISOString(),
        },
        eventCtx,
      ),
    ]);
    return { status: 'created', task };
  });
}

/** The current state of a task for another service's re-check (e.g. a reminder about to fire). */
export async function getTaskForUser(db: Db, userId: string, id: string): Promise<TaskRow> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.userId, userId)));
  if (!row) throw new AppError('not_found', 'No such task');
  return row;
}
