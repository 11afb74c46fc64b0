import { can, type Role, roles } from '@tasktide/access';
import { type Executor, queryRows } from '@tasktide/db';
import { type AnyEvent, createEvent } from '@tasktide/events';
import { outboxTopics } from '@tasktide/outbox';
import type { TaskDto } from './model.ts';
import type { TaskFields } from './validate.ts';

/**
 * A new task and its task.created outbox rows in one statement: one round trip, no transaction of
 * its own (a single statement is atomic), prepared once per connection. The same statement resolves
 * the project (the given one, or the creator's Inbox), the creator's role in it and whether the
 * assignee is a member, and inserts only when the role is one of `$20` (the roles `can` lets write
 * tasks, computed once from @tasktide/access — the policy stays in one place) and the assignee is
 * valid; it answers what it found, so the caller can tell a 400, a 403 and a missing account
 * apart. A separate lookup per check cost three round trips per create. The owner's row supplies
 * the default zone. The event is built before the zone and project are known, so the statement
 * writes both into its payload. The api sends exactly this text; bench:api replays it with pgbench.
 */
export const insertTaskStatement = `with owner as (
  select timezone from api.users where id = $2::uuid
), target as (
  select m.project_id, m.role::text as role,
    ($19::uuid is null or exists (
      select 1 from api.project_members a
      where a.project_id = m.project_id and a.user_id = $19::uuid and a.status = 'active'
    )) as assignee_ok
  from api.project_members m
  where m.user_id = $2::uuid and m.status = 'active' and m.project_id = coalesce($18::uuid,
    (select p.id from api.projects p where p.created_by = $2::uuid and p.is_inbox limit 1))
), created as (
  insert into api.tasks (id, user_id, title, description, priority, tags, due_at, timezone, reminders,
    recurrence, series_id, series_start, created_at, updated_at, recurrence_mode, project_id, assignee_id)
  select $1::uuid, $2::uuid, $3::text, $4::text, $5::api.priority, $6::text[], $7::timestamptz,
    coalesce($8::text, owner.timezone), $9::integer[], $10::text, $11::uuid, $12::timestamptz,
    $13::timestamptz, $13::timestamptz, $17::api.recurrence_mode, target.project_id, $19::uuid
  from owner, target
  where target.role = any($20::text[]) and target.assignee_ok
  returning timezone, project_id
), events as (
  insert into api.outbox (event_id, topic, partition_key, event_type, envelope)
  select $14::uuid, topic, $2::text, 'task.created',
    jsonb_set(jsonb_set($15::jsonb, '{payload,timezone}', to_jsonb(created.timezone)),
      '{payload,project_id}', to_jsonb(created.project_id))
  from created, unnest($16::text[]) as topic
)
select exists (select 1 from owner) as owner_exists, (select role from target) as role,
  (select assignee_ok from target) as assignee_ok, (select timezone from created) as timezone,
  (select project_id from created) as project_id`;

/** The roles `can` lets write tasks: the statement's `$20`. */
const writerRoles = roles.filter((role) => can(role, 'task.write'));

export interface NewTask {
  id: string;
  userId: string;
  /**
   * The project — null: the creator's Inbox — and the assignee; the statement checks that the
   * creator may write tasks there and that the assignee is a member.
   */
  projectId: string | null;
  assigneeId: string | null;
  /** `timezone` null: the owner's zone. */
  fields: Omit<TaskFields, 'timezone'> & { timezone: string | null };
  at: Date;
  event: { correlationId: string; traceparent?: string };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The task as the insert stores it, with the zone and project it ended up with. */
export function newTaskDto(task: NewTask, timezone: string, projectId = task.projectId ?? ''): TaskDto {
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
    project_id: projectId,
    assignee_id: task.assigneeId,
    version: 1,
    created_at: task.at.toISOString(),
    updated_at: task.at.toISOString(),
  };
}

/**
 * The statement's parameters and the event it writes (the zone and project in its payload are
 * replaced by the statement).
 */
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
      // The Inbox's id is the statement's to find; it writes project_id into the payload either way.
      ...(task.projectId ? { project_id: task.projectId } : {}),
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
    writerRoles,
  ];
  return { params, event };
}

/** What the insert found: the task is created only when every check passed. */
export type InsertOutcome =
  | { created: true; dto: TaskDto; event: AnyEvent }
  | { created: false; ownerExists: boolean; role: Role | null; assigneeOk: boolean | null };

/** Inserts the task and its events when the creator may and the assignee is a member. */
export async function insertTask(db: Executor, task: NewTask): Promise<InsertOutcome> {
  const { params, event } = insertTaskParams(task);
  const [row] = await queryRows<{
    owner_exists: boolean;
    role: Role | null;
    assignee_ok: boolean | null;
    timezone: string | null;
    project_id: string | null;
  }>(db, insertTaskStatement, params);
  if (row?.timezone && row.project_id) {
    return { created: true, dto: newTaskDto(task, row.timezone, row.project_id), event };
  }
  return {
    created: false,
    ownerExists: !!row?.owner_exists,
    role: row?.role ?? null,
    assigneeOk: row?.assignee_ok ?? null,
  };
}
