import { Type } from '@sinclair/typebox';
import { t } from 'elysia';

export const Priority = t.Union([t.Literal('none'), t.Literal('low'), t.Literal('medium'), t.Literal('high')]);
const DueAt = t.String({
  format: 'date-time',
  description: 'ISO 8601 with an offset, e.g. 2026-12-01T09:00:00+01:00; stored in UTC',
});
const Tag = t.String({
  minLength: 1,
  maxLength: 50,
  pattern: '^[^\\s,]+$',
  description: 'Lower-cased; no spaces or commas',
});
const Reminder = t.Integer({ minimum: 0, maximum: 525_600, description: 'Minutes before the due time' });
const Recurrence = t.String({
  minLength: 1,
  maxLength: 1000,
  description: 'daily | weekly | monthly | yearly, or an RFC 5545 RRULE (e.g. FREQ=WEEKLY;BYDAY=MO,WE)',
});

export const RecurrenceMode = t.Union([t.Literal('on_completion'), t.Literal('on_schedule')], {
  description:
    'When the next occurrence of a recurring task appears. on_completion (default): when this one is completed. ' +
    'on_schedule: when its due time passes, even if it is still open (after downtime only the next future slot is created, no backlog)',
});

const fields = {
  title: t.String({ minLength: 1, maxLength: 500 }),
  description: t.String({ maxLength: 10_000 }),
  priority: Priority,
  tags: t.Array(Tag, { maxItems: 20 }),
  due_at: t.Union([DueAt, t.Null()]),
  timezone: t.String({ minLength: 1, maxLength: 64, description: "IANA time zone; defaults to the user's" }),
  reminders: t.Array(Reminder, { maxItems: 10, description: 'Only with a due date' }),
  recurrence: t.Union([Recurrence, t.Null()], { description: 'Only with a due date' }),
  recurrence_mode: RecurrenceMode,
  project_id: t.String({
    format: 'uuid',
    description: 'The project (default on create: my Inbox). Moving a task needs editor on both projects',
  }),
  assignee_id: t.Union([t.String({ format: 'uuid' }), t.Null()], {
    description: "An active member of the task's project, or null (nobody)",
  }),
};

export const CreateTaskBody = t.Object({
  title: fields.title,
  description: t.Optional(fields.description),
  priority: t.Optional(fields.priority),
  tags: t.Optional(fields.tags),
  due_at: t.Optional(fields.due_at),
  timezone: t.Optional(fields.timezone),
  reminders: t.Optional(fields.reminders),
  recurrence: t.Optional(fields.recurrence),
  recurrence_mode: t.Optional(fields.recurrence_mode),
  project_id: t.Optional(fields.project_id),
  assignee_id: t.Optional(fields.assignee_id),
});

export const PatchTaskBody = t.Partial(t.Object(fields), { minProperties: 1 });

/**
 * Integers in responses are TypeBox's own: Elysia's `t.Integer` also takes numeric strings (for
 * query and form input) through a transform, and a transform anywhere in a response schema makes
 * Elysia encode every response — a walk over the whole page with each date checked twice —
 * where a plain schema gets one compiled check (bench:api: ~25 % of a search's CPU).
 */
export const ResponseInteger = Type.Integer;

export const Task = t.Object({
  id: t.String({ format: 'uuid' }),
  title: t.String(),
  description: t.String(),
  priority: Priority,
  tags: t.Array(t.String()),
  due_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  timezone: t.String(),
  reminders: t.Array(ResponseInteger()),
  recurrence: t.Union([t.String(), t.Null()]),
  recurrence_mode: RecurrenceMode,
  status: t.Union([t.Literal('open'), t.Literal('completed')]),
  completed_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  series_id: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  parent_id: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  project_id: t.String({ format: 'uuid' }),
  assignee_id: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  version: ResponseInteger(),
  created_at: t.String({ format: 'date-time' }),
  updated_at: t.String({ format: 'date-time' }),
});

export const TaskParams = t.Object({ id: t.String({ format: 'uuid' }) });

export const DeleteQuery = t.Object({
  scope: t.Optional(
    t.Union([t.Literal('occurrence'), t.Literal('series')], {
      description: 'series: delete this and every open occurrence of its series; completed ones stay as history',
    }),
  ),
});

const csv = (description: string) => t.Optional(t.String({ maxLength: 2000, description }));
export const ListQuery = t.Object({
  q: t.Optional(
    t.String({
      maxLength: 200,
      description:
        'Search over title, description and tags: every word as a prefix, the whole query loosely (typos); best match first unless sort is given',
    }),
  ),
  status: t.Optional(t.Union([t.Literal('open'), t.Literal('completed'), t.Literal('all')], { default: 'all' })),
  // Items are plain strings checked by the service: Elysia decodes array query parameters in a
  // transform whose item errors lose the parameter's name (a 500 before); the service names it.
  priority: t.Optional(
    t.Array(t.String(), {
      maxItems: 4,
      description:
        'none | low | medium | high, one or more: repeat the parameter (priority=high&priority=low) or separate with commas',
    }),
  ),
  tag: t.Optional(
    t.Array(t.String(), {
      maxItems: 20,
      description: 'One or more tags: repeat the parameter (tag=a&tag=b) or separate with commas',
    }),
  ),
  project_id: t.Optional(
    t.Array(t.String(), {
      maxItems: 50,
      description:
        'One or more project ids: repeat the parameter (project_id=a&project_id=b) or separate with commas. Default: all my projects',
    }),
  ),
  assignee: t.Optional(t.String({ maxLength: 36, description: 'me (assigned to me), or a user id' })),
  tags: t.Optional(t.Union([t.Literal('any'), t.Literal('all')], { description: 'Match any (default) or all tags' })),
  due_before: t.Optional(t.String({ format: 'date-time' })),
  due_after: t.Optional(t.String({ format: 'date-time' })),
  overdue: t.Optional(t.Boolean({ description: 'Open tasks whose due time has passed' })),
  recurring: t.Optional(t.Boolean()),
  series_id: t.Optional(t.String({ format: 'uuid', description: "A series' occurrences (history)" })),
  sort: csv('Keys priority, due_at, created_at, updated_at, title; prefix - for descending. Default -created_at'),
  // A pattern rather than t.Integer: Elysia's coerced numeric query params lose their name in errors.
  limit: t.Optional(t.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'Page size 1–100 (default 50)' })),
  cursor: t.Optional(t.String({ maxLength: 2000, description: 'next_cursor of the previous page' })),
});

export const TaskPage = t.Object({
  items: t.Array(Task),
  next_cursor: t.Union([t.String(), t.Null()]),
});

export type CreateTaskInput = typeof CreateTaskBody.static;
export type PatchTaskInput = typeof PatchTaskBody.static;
export type TaskDto = typeof Task.static;
export type ListTasksQuery = typeof ListQuery.static;
