import type { Executor, Tx } from '@tasktide/db';
import { type AnyEvent, createEvent, type EventContext } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { AppError } from '@tasktide/service-kit';
import { and, eq, inArray } from 'drizzle-orm';
import { outbox, seriesCancellations, type TaskRow, tasks } from '../db/schema.ts';
import { authorizeProject, authorizeTask, decide, roleIn } from '../projects/access.ts';
import { toSnapshot, toTaskDto } from './dto.ts';
import { insertTask } from './insert.ts';
import { invalid } from './invalid.ts';
import type { CreateTaskInput, PatchTaskInput, TaskDto } from './model.ts';
import { finalizeFields, parseDueAt, type TaskFields } from './validate.ts';

/** Who is acting and the request's correlation data, carried into every event. */
export interface Actor extends EventContext {
  /** Receives the type of every event written, for counting once the transaction has committed. */
  emitted?: string[];
}

/** Writes the events to the outbox in `tx` and notes their types on the actor. */
export async function emit(tx: Tx, actor: Actor, events: AnyEvent[]) {
  await writeEvents(tx, outbox, events);
  actor.emitted?.push(...events.map((e) => e.event_type));
}

/**
 * The task, locked, when the actor may change it (task.write in its project). A task outside the
 * actor's projects is indistinguishable from a missing one: 404, never 403 (see projects/access.ts).
 */
async function lockTask(tx: Tx, actor: Actor, id: string): Promise<TaskRow> {
  const { task } = await authorizeTask(tx, actor.userId, id, 'task.write', { lock: true });
  return task;
}

/** An assignee must be an active member of the task's project: else 400 naming the field. */
const ASSIGNEE_NOT_MEMBER = "must be an active member of the task's project";

async function checkAssignee(db: Executor, projectId: string, assigneeId: string | null | undefined) {
  if (!assigneeId) return;
  if (!(await roleIn(db, assigneeId, projectId))) {
    throw invalid('/assignee_id', ASSIGNEE_NOT_MEMBER);
  }
}

function checkVersion(row: TaskRow, ifMatch: number | undefined) {
  if (ifMatch !== undefined && ifMatch !== row.version) {
    throw new AppError(
      'precondition_failed',
      `The task is at version ${row.version}, not ${ifMatch}; reload and retry`,
    );
  }
}

/**
 * Creates a task and its task.created event in one statement (see insert.ts). Without a zone in the
 * input the task gets the owner's, read by that statement: a zone changed a moment ago counts.
 */
export async function createTask(db: Executor, actor: Actor, input: CreateTaskInput): Promise<TaskDto> {
  const errors: { field: string; message: string }[] = [];
  const dueAt = parseDueAt(input.due_at, errors) ?? null;
  const fields = finalizeFields(
    {
      title: input.title,
      description: input.description ?? '',
      priority: input.priority ?? 'none',
      tags: input.tags ?? [],
      dueAt,
      // The owner's zone was checked when it was stored; only a given one is checked here.
      timezone: input.timezone ?? 'UTC',
      reminders: input.reminders ?? [],
      recurrence: input.recurrence ?? null,
      recurrenceMode: input.recurrence_mode ?? 'on_completion',
    },
    errors,
  );
  const outcome = await insertTask(db, {
    id: Bun.randomUUIDv7(),
    userId: actor.userId,
    projectId: input.project_id ?? null,
    assigneeId: input.assignee_id ?? null,
    // The service's clock, like every later change: created_at and updated_at agree.
    at: actor.at ?? new Date(),
    fields: { ...fields, timezone: input.timezone === undefined ? null : fields.timezone },
    event: { correlationId: actor.correlationId, ...(actor.traceparent ? { traceparent: actor.traceparent } : {}) },
  });
  if (!outcome.created) {
    const { ownerExists, role, assigneeOk } = outcome;
    if (!ownerExists || (!role && input.project_id === undefined)) {
      throw new AppError('unauthenticated', 'The account no longer exists');
    }
    // A project outside mine is a 400 on the field (like an unknown value), not a 404 of the route.
    if (!role) throw invalid('/project_id', 'no such project');
    decide(role, 'task.write', 'project');
    if (!assigneeOk) throw invalid('/assignee_id', ASSIGNEE_NOT_MEMBER);
    throw new AppError('internal', 'The task was not created although every check passed');
  }
  actor.emitted?.push(outcome.event.event_type);
  return outcome.dto;
}

const patchable = [
  'title',
  'description',
  'priority',
  'tags',
  'dueAt',
  'timezone',
  'reminders',
  'recurrence',
  'recurrenceMode',
  'projectId',
  'assigneeId',
] as const;
const apiName: Record<(typeof patchable)[number], string> = {
  title: 'title',
  description: 'description',
  priority: 'priority',
  tags: 'tags',
  dueAt: 'due_at',
  timezone: 'timezone',
  reminders: 'reminders',
  recurrence: 'recurrence',
  recurrenceMode: 'recurrence_mode',
  projectId: 'project_id',
  assigneeId: 'assignee_id',
};

export async function updateTask(
  db: Executor,
  actor: Actor,
  id: string,
  patch: PatchTaskInput,
  ifMatch?: number,
): Promise<TaskDto> {
  const errors: { field: string; message: string }[] = [];
  const dueAt = parseDueAt(patch.due_at, errors);
  return db.transaction(async (tx) => {
    const row = await lockTask(tx, actor, id);
    checkVersion(row, ifMatch);
    const projectId = patch.project_id ?? row.projectId;
    if (projectId !== row.projectId) {
      // Moving needs task.write on both sides; an assignee who is not a member there is unassigned.
      if (!(await roleIn(tx, actor.userId, projectId))) throw invalid('/project_id', 'no such project');
      await authorizeProject(tx, actor.userId, projectId, 'task.write');
    }
    let assigneeId = patch.assignee_id === undefined ? row.assigneeId : patch.assignee_id;
    if (patch.assignee_id !== undefined) await checkAssignee(tx, projectId, assigneeId);
    else if (assigneeId && projectId !== row.projectId && !(await roleIn(tx, assigneeId, projectId))) assigneeId = null;
    const merged: TaskFields & { projectId: string; assigneeId: string | null } = {
      ...finalizeFields(
        {
          title: patch.title ?? row.title,
          description: patch.description ?? row.description,
          priority: patch.priority ?? row.priority,
          tags: patch.tags ?? row.tags,
          dueAt: dueAt === undefined ? row.dueAt : dueAt,
          timezone: patch.timezone ?? row.timezone,
          reminders: patch.reminders ?? row.reminders,
          recurrence: patch.recurrence === undefined ? row.recurrence : patch.recurrence,
          recurrenceMode: patch.recurrence_mode ?? row.recurrenceMode,
        },
        errors,
      ),
      projectId,
      assigneeId,
    };
    const changes: Record<string, unknown> = {};
    for (const key of patchable) {
      const before = row[key];
      const after = merged[key];
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        changes[apiName[key]] = after instanceof Date ? after.toISOString() : after;
      }
    }
    if (!Object.keys(changes).length) return toTaskDto(row);
    const [updated] = (await tx
      .update(tasks)
      .set({
        ...merged,
        seriesId: merged.recurrence ? (row.seriesId ?? row.id) : row.seriesId,
        // A rule added later anchors the series at this occurrence's due time.
        seriesStart: merged.recurrence ? (row.seriesStart ?? merged.dueAt) : row.seriesStart,
        version: row.version + 1,
        updatedAt: actor.at ?? new Date(),
      })
      .where(eq(tasks.id, row.id))
      .returning()) as TaskRow[];
    const task = updated as TaskRow;
    await emit(tx, actor, [
      createEvent('task.updated', { task_id: task.id, version: task.version, changes, task: toSnapshot(task) }, actor),
    ]);
    return toTaskDto(task);
  });
}

/** Completing an already completed task changes nothing and emits nothing. */
export async function completeTask(db: Executor, actor: Actor, id: string, ifMatch?: number): Promise<TaskDto> {
  return db.transaction(async (tx) => {
    const row = await lockTask(tx, actor, id);
    checkVersion(row, ifMatch);
    if (row.status === 'completed') return toTaskDto(row);
    const now = actor.at ?? new Date();
    const [updated] = (await tx
      .update(tasks)
      .set({ status: 'completed', completedAt: now, version: row.version + 1, updatedAt: now })
      .where(eq(tasks.id, row.id))
      .returning()) as TaskRow[];
    const task = updated as TaskRow;
    await emit(tx, actor, [
      createEvent(
        'task.completed',
        { task_id: task.id, completed_at: now.toISOString(), version: task.version, task: toSnapshot(task) },
        actor,
      ),
    ]);
    return toTaskDto(task);
  });
}

/**
 * Reopening takes a completion back. For a recurring occurrence that includes the next occurrence
 * the completion created: while that one is still open it is removed (a series never holds two
 * open occurrences, and completing again creates it anew); once it is completed too, the series has
 * moved on and reopening this one is a 409. A series `on_schedule` gets its occurrences from the
 * calendar (open ones may coexist by design): once this occurrence's due time has passed its
 * successor is the calendar's and stays; before, a successor the completion created early is taken
 * back like on completion (the job creates it at the due time), so an undo leaves the same series
 * whether or not the completion had been processed yet.
 */
export async function reopenTask(db: Executor, actor: Actor, id: string, ifMatch?: number): Promise<TaskDto> {
  return db.transaction(async (tx) => {
    const row = await lockTask(tx, actor, id);
    checkVersion(row, ifMatch);
    if (row.status === 'open') return toTaskDto(row);
    const now = actor.at ?? new Date();
    // On schedule, once this occurrence's due time has passed its next one is the calendar's (made,
    // or made and deleted): it stays. Before, reopening takes back what the completion did.
    const calendars = row.recurrenceMode === 'on_schedule' && row.dueAt !== null && row.dueAt <= now;
    const [successor] = calendars ? [] : await tx.select().from(tasks).where(eq(tasks.parentId, row.id)).for('update');
    if (successor?.status === 'completed') {
      throw new AppError('conflict', 'A later occurrence of this series is already completed; reopen that one instead');
    }
    const [updated] = (await tx
      .update(tasks)
      .set({
        status: 'open',
        completedAt: null,
        // Completing again (or, on schedule, the due time) creates the next occurrence anew.
        ...(calendars ? {} : { nextCreated: false }),
        version: row.version + 1,
        updatedAt: now,
      })
      .where(eq(tasks.id, row.id))
      .returning()) as TaskRow[];
    const task = updated as TaskRow;
    const events: AnyEvent[] = [
      createEvent(
        'task.updated',
        {
          task_id: task.id,
          version: task.version,
          changes: { status: 'open', completed_at: null },
          task: toSnapshot(task),
        },
        actor,
      ),
    ];
    if (successor) {
      await tx.delete(tasks).where(eq(tasks.id, successor.id));
      events.push(
        createEvent(
          'task.deleted',
          {
            task_id: successor.id,
            scope: 'occurrence',
            series_id: successor.seriesId,
            project_id: successor.projectId,
          },
          actor,
        ),
      );
    }
    await emit(tx, actor, events);
    return toTaskDto(task);
  });
}

/**
 * Deletes one occurrence, or with scope=series every open occurrence of its series (completed ones
 * stay as history) and marks the series cancelled so no further instance is ever created.
 */
export async function deleteTask(
  db: Executor,
  actor: Actor,
  id: string,
  scope: 'occurrence' | 'series' = 'occurrence',
  ifMatch?: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await lockTask(tx, actor, id);
    checkVersion(row, ifMatch);
    const seriesId = row.seriesId;
    let victims: TaskRow[] = [row];
    if (scope === 'series' && seriesId) {
      await tx.insert(seriesCancellations).values({ seriesId, userId: actor.userId }).onConflictDoNothing();
      const open = await tx
        .select()
        .from(tasks)
        .where(and(eq(tasks.seriesId, seriesId), eq(tasks.projectId, row.projectId), eq(tasks.status, 'open')))
        .for('update');
      victims = [row, ...open.filter((t) => t.id !== row.id)];
    }
    await tx.delete(tasks).where(
      inArray(
        tasks.id,
        victims.map((v) => v.id),
      ),
    );
    const events: AnyEvent[] = victims.map((v) =>
      createEvent('task.deleted', { task_id: v.id, scope, series_id: v.seriesId, project_id: v.projectId }, actor),
    );
    await emit(tx, actor, events);
  });
}
