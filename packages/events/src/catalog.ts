import { t } from 'elysia';
import { DateTime, envelopeSchema, type Topic, topics, Uuid } from './envelope.ts';

const Priority = t.Union([t.Literal('none'), t.Literal('low'), t.Literal('medium'), t.Literal('high')]);
const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);

/** A task as events carry it: enough for every consumer to act without calling back. */
export const TaskSnapshot = t.Object({
  task_id: Uuid,
  title: t.String(),
  description: t.String(),
  priority: Priority,
  tags: t.Array(t.String()),
  due_at: Nullable(DateTime),
  timezone: t.String(),
  reminders: t.Array(t.Integer()),
  recurrence: Nullable(t.String()),
  status: t.Union([t.Literal('open'), t.Literal('completed')]),
  completed_at: Nullable(DateTime),
  series_id: Nullable(Uuid),
  parent_id: Nullable(Uuid),
  version: t.Integer(),
  /** Added later (optional): the RRULE anchor of the series and this occurrence's index in it. */
  series_start: t.Optional(Nullable(DateTime)),
  occurrence_index: t.Optional(t.Integer({ minimum: 0 })),
  /** Added later (optional; absent means on_completion): when the series' next occurrence appears. */
  recurrence_mode: t.Optional(t.Union([t.Literal('on_completion'), t.Literal('on_schedule')])),
  /**
   * Added with shared projects (optional: absent in events written before): the project whose
   * members may see the task, and the member it is assigned to (null: nobody).
   */
  project_id: t.Optional(Uuid),
  assignee_id: t.Optional(Nullable(Uuid)),
});

const Role = t.Union([t.Literal('viewer'), t.Literal('editor'), t.Literal('admin')]);
/** A project as events carry it. */
export const ProjectSnapshot = t.Object({
  project_id: Uuid,
  name: t.String(),
  color: Nullable(t.String()),
  archived_at: Nullable(DateTime),
  is_inbox: t.Boolean(),
});
/** A comment as events carry it. */
const CommentSnapshot = t.Object({
  comment_id: Uuid,
  task_id: Uuid,
  project_id: Uuid,
  author_id: Uuid,
  body: t.String(),
  created_at: DateTime,
  updated_at: DateTime,
});

/**
 * Every event type and version ever published. Evolution is additive: add optional fields, or add a
 * new version beside the old one — never change or remove a published schema (the compatibility
 * test compares against `schemas.lock.json`).
 */
export const catalog = {
  'task.created': { 1: envelopeSchema('task.created', 1, TaskSnapshot) },
  'task.updated': {
    1: envelopeSchema(
      'task.updated',
      1,
      t.Object({
        task_id: Uuid,
        version: t.Integer(),
        /** New values of the fields that changed, keyed by field name. */
        changes: t.Record(t.String(), t.Unknown()),
        task: TaskSnapshot,
      }),
    ),
  },
  'task.completed': {
    1: envelopeSchema(
      'task.completed',
      1,
      t.Object({ task_id: Uuid, completed_at: DateTime, version: t.Integer(), task: TaskSnapshot }),
    ),
  },
  'task.deleted': {
    1: envelopeSchema(
      'task.deleted',
      1,
      t.Object({
        task_id: Uuid,
        scope: t.Union([t.Literal('occurrence'), t.Literal('series')]),
        series_id: Nullable(Uuid),
        /** Added with shared projects (optional): the project the task was in. */
        project_id: t.Optional(Uuid),
      }),
    ),
  },
  'task.recurrence': {
    1: envelopeSchema(
      'task.recurrence',
      1,
      t.Object({
        parent_task_id: Uuid,
        task_id: Uuid,
        series_id: Uuid,
        recurrence_rule: t.String(),
        due_at: DateTime,
      }),
    ),
  },
  'reminder.scheduled': {
    1: envelopeSchema(
      'reminder.scheduled',
      1,
      t.Object({ task_id: Uuid, reminder_time: DateTime, offset_minutes: t.Integer(), job_name: t.String() }),
    ),
  },
  'reminder.due': {
    1: envelopeSchema(
      'reminder.due',
      1,
      t.Object({
        task_id: Uuid,
        reminder_time: DateTime,
        offset_minutes: t.Integer(),
        due_at: DateTime,
        title: t.String(),
        fired_at: DateTime,
        late: t.Boolean(),
        /** Added later (optional): the task's priority when it fired; high-priority reminders pass quiet hours. */
        priority: t.Optional(Priority),
      }),
    ),
  },
  /** An open task's due time passed (the notifier's overdue trigger, sent once per due time). */
  'task.overdue': {
    1: envelopeSchema(
      'task.overdue',
      1,
      t.Object({
        task_id: Uuid,
        due_at: DateTime,
        title: t.String(),
        priority: Priority,
        fired_at: DateTime,
        late: t.Boolean(),
      }),
    ),
  },
  'notification.created': {
    1: envelopeSchema(
      'notification.created',
      1,
      t.Object({
        notification_id: Uuid,
        task_id: Nullable(Uuid),
        kind: t.String(),
        title: t.String(),
        body: t.String(),
      }),
    ),
  },
  /**
   * A notification that could not be delivered: a channel gave up after its retries (today: a
   * webhook delivery after its last attempt). Written in the transaction that marks the delivery
   * failed, so the audit log holds exactly one per failed delivery. `reason` is the generic one the
   * delivery log shows — never the receiver's URL or answer body.
   */
  'notification.failed': {
    1: envelopeSchema(
      'notification.failed',
      1,
      t.Object({
        notification_id: Uuid,
        /** The channel that gave up (`webhook`). */
        channel: t.String(),
        delivery_id: Uuid,
        /** The webhook it was for (the channel's target). */
        target_id: Uuid,
        kind: t.String(),
        /** The event the notification came from. */
        source_event_id: Uuid,
        attempts: t.Integer({ minimum: 1 }),
        last_status: Nullable(t.Integer()),
        reason: t.String(),
        failed_at: DateTime,
      }),
    ),
  },
  /** The account is gone: every service removes what it keeps of the user (see README, Security model). */
  'user.deleted': {
    1: envelopeSchema('user.deleted', 1, t.Object({ deleted_at: DateTime })),
  },
  /** The account's profile changed (display name, time zone): the account's audit trail records it. */
  'user.updated': {
    1: envelopeSchema(
      'user.updated',
      1,
      t.Object({
        display_name: t.String(),
        timezone: t.String(),
        /** New values of the fields that changed. */
        changes: t.Record(t.String(), t.Unknown()),
      }),
    ),
  },
  /**
   * A project was made (its creator is its admin: a member.added follows in the same transaction).
   * Not written for a user's Inbox, which comes and goes with the account and is never shared.
   */
  'project.created': { 1: envelopeSchema('project.created', 1, ProjectSnapshot) },
  'project.updated': {
    1: envelopeSchema(
      'project.updated',
      1,
      t.Object({
        project_id: Uuid,
        /** New values of the fields that changed (name, color, archived_at). */
        changes: t.Record(t.String(), t.Unknown()),
        project: ProjectSnapshot,
      }),
    ),
  },
  /** The project is gone; a task.deleted for each of its tasks precedes this in the same transaction. */
  'project.deleted': { 1: envelopeSchema('project.deleted', 1, t.Object({ project_id: Uuid })) },
  /** A user became an active member (accepted an invitation, or created the project). */
  'member.added': {
    1: envelopeSchema(
      'member.added',
      1,
      t.Object({ project_id: Uuid, member_id: Uuid, role: Role, invited_by: Nullable(Uuid) }),
    ),
  },
  'member.role_changed': {
    1: envelopeSchema(
      'member.role_changed',
      1,
      t.Object({ project_id: Uuid, member_id: Uuid, role: Role, previous_role: Role }),
    ),
  },
  /**
   * A member is no longer in the project (left, or was removed by an admin): consumers stop fanning
   * the project's events out to them. Their tasks there were unassigned by task.updated events
   * written before this one, in the same transaction.
   */
  'member.removed': {
    1: envelopeSchema(
      'member.removed',
      1,
      t.Object({ project_id: Uuid, member_id: Uuid, reason: t.Union([t.Literal('left'), t.Literal('removed')]) }),
    ),
  },
  'comment.created': { 1: envelopeSchema('comment.created', 1, CommentSnapshot) },
  'comment.updated': { 1: envelopeSchema('comment.updated', 1, CommentSnapshot) },
  'comment.deleted': {
    1: envelopeSchema('comment.deleted', 1, t.Object({ comment_id: Uuid, task_id: Uuid, project_id: Uuid })),
  },
} as const;

export type Catalog = typeof catalog;
export type EventType = keyof Catalog;
/** Newest version number of each event type: what producers write. */
export const currentVersion = {
  'task.created': 1,
  'task.updated': 1,
  'task.completed': 1,
  'task.deleted': 1,
  'task.recurrence': 1,
  'reminder.scheduled': 1,
  'reminder.due': 1,
  'task.overdue': 1,
  'notification.created': 1,
  'notification.failed': 1,
  'user.deleted': 1,
  'user.updated': 1,
  'project.created': 1,
  'project.updated': 1,
  'project.deleted': 1,
  'member.added': 1,
  'member.role_changed': 1,
  'member.removed': 1,
  'comment.created': 1,
  'comment.updated': 1,
  'comment.deleted': 1,
} as const satisfies { [K in EventType]: keyof Catalog[K] };

/**
 * The topic each event type is published on (task changes also go to task-updates for realtime).
 * Every event is keyed by its envelope's `user_id` — the acting member, also in shared projects —
 * not by project: per-user order is what consumers rely on (the audit log's per-user hash chain,
 * user.deleted after the user's own changes), a task may move between projects, and per-task order
 * is carried by the snapshot's `version`. See docs/projects.md, "Partition key".
 */
export const topicOf: Record<EventType, Topic> = {
  'task.created': topics.taskEvents,
  'task.updated': topics.taskEvents,
  'task.completed': topics.taskEvents,
  'task.deleted': topics.taskEvents,
  'task.recurrence': topics.taskEvents,
  'reminder.scheduled': topics.reminders,
  'reminder.due': topics.reminders,
  'task.overdue': topics.reminders,
  'notification.created': topics.taskUpdates,
  // Beside reminder.due on the notifications topic: kept 30 days (realtime has no use for it).
  'notification.failed': topics.reminders,
  'user.deleted': topics.taskEvents,
  'user.updated': topics.taskEvents,
  // Project, membership and comment changes are lifecycle facts beside the task events (audit,
  // notifier, realtime's membership read model all read task-events).
  'project.created': topics.taskEvents,
  'project.updated': topics.taskEvents,
  'project.deleted': topics.taskEvents,
  'member.added': topics.taskEvents,
  'member.role_changed': topics.taskEvents,
  'member.removed': topics.taskEvents,
  'comment.created': topics.taskEvents,
  'comment.updated': topics.taskEvents,
  'comment.deleted': topics.taskEvents,
};
