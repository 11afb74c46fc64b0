import { type Executor, queryRows } from '@tasktide/db';
import { type AnyEvent, createEvent } from '@tasktide/events';
import { outboxTopics } from '@tasktide/outbox';
import type { TaskDto } from './model.ts';
import type { TaskFields } from './validate.ts';

/**
 * A new task and its task.created outbox rows in one statement: one round trip, no transaction of
 * its own (a single statement is atomic), prepared once per connection. The owner's row supplies
 * the default zone — and when the account is gone nothing is inserted and no row comes back. The
 * event is built before the zone is known, so the statement writes the zone into its payload.
 * The api sends exactly this text; bench:api replays it with pgbench.
 */
export const insertTaskStatement = `with owner as (
  select timezone from api.users where id = $2::uuid
), created as (
  insert into api.tasks (id, user_id, title, description, priority, tags, due_at, timezone, reminders,
    recurrence, series_id, series_start, created_at, updated_at, recurrence_mode, project_id, assignee_id)
  select $1::uuid, $2::uuid, $3::text, $4::text, $5::api.priority, $6::text[], $7::timestamptz,
    coalesce($8::text, owner.timezone), $9::integer[], $10::text, $11::uuid, $12::timestamptz,
    $13::timestamptz, $13::timestamptz, $17::api.recurrence_mode, $18::uuid, $19::uuid
  from owner
  returning timezone
), events as (
  insert into api.outbox (event_id, topic, partition_key, event_type, envelope)
  select $14::uuid, topic, $2::text, 'task.created',
    jsonb_set($15::jsonb, '{payload,timezone}', to_jsonb(created.timezone))
  from created, unnest($16::text[]) as topic
)
select timezone from created`;

export interface NewTask {
  id: string;
  userId: string;
  /** The project (checked by the caller: the creator may write to it) and the assignee (a member). */
  projectId: string;
  assigneeId: string | null;
  /** `timezone` null: the owner's zone. */
  fields: Omit<TaskFields, 'timezone'> & { timezone: string | null };
  at: Date;
  event: { correlationId: string; traceparent?: string };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The task as the insert stores it, with the zone it ended up with. */
export function newTaskDto(task: NewTask, timezone: string): TaskDto {
  const { fields } = task;
  return {
    id: task.id,
    title: fields.title,
    description: fields.description,
    priority: fields.priority,
    tags: fields.tags,
    due_at: iso(fields.dueAt),
    timezone,
    reminders: fields.reminders,
    recurrence: fields.recurrence,
    recurrence_mode: fields.recurrenceMode,
    status: 'open',
    completed_at: null,
    series_id: fields.recurrence ? task.id : null,
    parent_id: null,
    project_id: task.projectId,
    assignee_id: task.assigneeId,
    version: 1,
    created_at: task.at.toISOString(),
    updated_at: task.at.toISOString(),
  };
}

/** The statement's parameters and the event it writes (the zone in its payload is replaced by the statement). */
export function insertTaskParams(task: NewTask): { params: unknown[]; event: AnyEvent } {
  const { fields } = task;
  const dto = newTaskDto(task, fields.timezone ?? 'UTC');
  const event = createEvent(
    'task.created',
    {
      task_id: dto.id,
      title: dto.title,
      description: dto.description,
      priority: dto.priority,
      tags: dto.tags,
      due_at: dto.due_at,
      timezone: dto.timezone,
      reminders: dto.reminders,
      recurrence: dto.recurrence,
      recurrence_mode: dto.recurrence_mode,
      status: dto.status,
      completed_at: null,
      series_id: dto.series_id,
      parent_id: null,
      version: 1,
      series_start: fields.recurrence ? dto.due_at : null,
      occurrence_index: 0,
      project_id: task.projectId,
      assignee_id: task.assigneeId,
    },
    { userId: task.userId, at: task.at, ...task.event },
  );
  const params = [
    task.id,
    task.userId,
    fields.title,
    fields.description,
    fields.priority,
    fields.tags,
    iso(fields.dueAt),
    fields.timezone,
    fields.reminders,
    fields.recurrence,
    dto.series_id,
    fields.recurrence ? iso(fields.dueAt) : null,
    task.at.toISOString(),
    event.event_id,
    JSON.stringify(event),
    outboxTopics(event),
    fields.recurrenceMode,
    task.projectId,
    task.assigneeId,
  ];
  return { params, event };
}

/** Inserts the task and its events; null when the owner's account no longer exists. */
export async function insertTask(db: Executor, task: NewTask): Promise<{ dto: TaskDto; event: AnyEvent } | null> {
  const { params, event } = insertTaskParams(task);
  const [row] = await queryRows<{ timezone: string }>(db, insertTaskStatement, params);
  return row ? { dto: newTaskDto(task, row.timezone), event } : null;
}
