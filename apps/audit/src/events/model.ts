import { catalog, type EventType } from '@tasktide/events';
import { t } from 'elysia';

const Uuid = t.String({ format: 'uuid' });
const DateTime = t.String({ format: 'date-time' });
const eventTypes = Object.keys(catalog) as EventType[];

export const AuditEventsQuery = t.Object({
  project_id: t.Optional(
    t.String({
      format: 'uuid',
      description:
        "A project's log instead of yours: every member's events about it (tasks, comments, members). Only for its current members (404 otherwise).",
    }),
  ),
  task_id: t.Optional(t.String({ format: 'uuid', description: "Only this task's events" })),
  type: t.Optional(
    t.Union(
      eventTypes.map((type) => t.Literal(type)),
      { description: 'Only events of this type, e.g. task.completed' },
    ),
  ),
  from: t.Optional(t.String({ format: 'date-time', description: 'Occurred at or after (inclusive)' })),
  to: t.Optional(t.String({ format: 'date-time', description: 'Occurred before (exclusive)' })),
  order: t.Optional(
    t.Union([t.Literal('desc'), t.Literal('asc')], { description: 'By position in your log; newest first by default' }),
  ),
  // A pattern rather than t.Integer: Elysia's coerced numeric query params lose their name in errors.
  limit: t.Optional(t.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'Page size 1–100 (default 50)' })),
  cursor: t.Optional(t.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
});

export const AuditEvent = t.Object({
  seq: t.Integer({ description: "Position in the acting user's log, from 1" }),
  event_id: Uuid,
  event_type: t.String(),
  user_id: Uuid,
  task_id: t.Union([Uuid, t.Null()]),
  project_id: t.Union([Uuid, t.Null()], { description: 'The project the event is about, when it is about one' }),
  occurred_at: DateTime,
  recorded_at: DateTime,
  correlation_id: t.String({ description: 'Request id of the call that caused it' }),
  envelope: t.Record(t.String(), t.Unknown(), { description: 'The event as it was published' }),
  prev_hash: t.String({ description: 'hash of the row before (64 zeros for the first)' }),
  hash: t.String({ description: 'sha256 over prev_hash and the canonical JSON of this row' }),
});

export const AuditEventPage = t.Object({
  items: t.Array(AuditEvent),
  next_cursor: t.Union([t.String(), t.Null()]),
});

export const ChainReport = t.Object({
  ok: t.Boolean(),
  rows_checked: t.Integer(),
  head: t.Union([t.Object({ seq: t.Integer(), hash: t.String() }), t.Null()]),
  first_broken: t.Union([
    t.Object({
      seq: t.Integer(),
      event_id: t.Union([Uuid, t.Null()]),
      reason: t.Union([
        t.Literal('seq_gap'),
        t.Literal('prev_hash_mismatch'),
        t.Literal('hash_mismatch'),
        t.Literal('head_mismatch'),
      ]),
      detail: t.String(),
    }),
    t.Null(),
  ]),
});

export type AuditEventsQuery = typeof AuditEventsQuery.static;
export type AuditEventDto = typeof AuditEvent.static;
export type ChainReportDto = typeof ChainReport.static;
