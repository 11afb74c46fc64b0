import { outboxTables, processedEventsTable } from '@tasktide/outbox/tables';
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The notifier owns the `notifier` schema: reminders, the in-app inbox and webhooks. */
export const notifierSchema = pgSchema('notifier');
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * One row per (task, offset): the source of truth for a reminder. The Dapr job named after the row
 * only triggers it; the row decides whether and when it is sent.
 */
export const reminders = notifierSchema.table(
  'reminders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    taskId: uuid('task_id').notNull(),
    /** reminder: `offset_minutes` before the due time; overdue: at the due time (offset 0). */
    kind: text('kind', { enum: ['reminder', 'overdue'] })
      .notNull()
      .default('reminder'),
    offsetMinutes: integer('offset_minutes').notNull(),
    remindAt: ts('remind_at').notNull(),
    dueAt: ts('due_at').notNull(),
    taskVersion: integer('task_version').notNull(),
    title: text('title').notNull(),
    /** scheduled → sent | cancelled; skipped when its time had already passed when it was set. */
    status: text('status', { enum: ['scheduled', 'sent', 'cancelled', 'skipped'] }).notNull(),
    /** False until the Dapr job for the current remind_at is registered; the sweep repairs it. */
    jobRegistered: boolean('job_registered').notNull().default(false),
    sentAt: ts('sent_at'),
    late: boolean('late').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reminders_task_kind_offset_key').on(t.taskId, t.kind, t.offsetMinutes),
    index('reminders_due_idx').on(t.remindAt).where(sql`status = 'scheduled'`),
  ],
);

/**
 * Who made each task (task.created's actor): the recipient of its reminders while nobody is
 * assigned. The snapshot names the assignee but not the creator, and in a shared project a later
 * event's actor may be any member — so the notifier keeps its own record, from events.
 */
export const taskOwners = notifierSchema.table('task_owners', {
  taskId: uuid('task_id').primaryKey(),
  ownerId: uuid('owner_id').notNull(),
  /** True once task.created itself set the owner (a guess from a later event may be corrected). */
  fromCreated: boolean('from_created').notNull(),
});

export const notifications = notifierSchema.table(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    taskId: uuid('task_id'),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** The event that caused it: a redelivery never creates a second notification. */
    sourceEventId: uuid('source_event_id').notNull(),
    /** For reminders: which one (remind_at, due_at, offset) and when it was sent. */
    reminder: jsonb('reminder').$type<ReminderDetails>(),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notifications_source_key').on(t.sourceEventId),
    index('notifications_user_idx').on(t.userId, t.createdAt, t.id),
  ],
);

export const webhooks = notifierSchema.table(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    active: boolean('active').notNull().default(true),
    /** Which notification kinds it receives (reminders only, as before kinds existed, by default). */
    kinds: text('kinds').array().notNull().default(sql`'{reminder}'::text[]`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_user_idx').on(t.userId)],
);

export const webhookDeliveries = notifierSchema.table(
  'webhook_deliveries',
  {
    /** Sent as `webhook-id`: receivers dedupe on it. */
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id').notNull(),
    userId: uuid('user_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_key').on(t.webhookId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_user_idx').on(t.userId, t.createdAt),
  ],
);

/** Every HTTP attempt of a delivery, for the deliveries log. */
export const webhookAttempts = notifierSchema.table(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id').notNull(),
    attemptedAt: ts('attempted_at').notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptedAt)],
);

/** What each user wants: which kinds reach the inbox, and quiet hours (minutes after local midnight). */
export const preferences = notifierSchema.table('preferences', {
  userId: uuid('user_id').primaryKey(),
  inAppKinds: text('in_app_kinds').array().notNull(),
  quietStart: smallint('quiet_start'),
  quietEnd: smallint('quiet_end'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Notifications held back by quiet hours: released (once: released_at flips in the transaction
 * that delivers them) by a job at release_at, or by the sweep if that job never comes.
 */
export const heldNotifications = notifierSchema.table(
  'held_notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    releaseAt: ts('release_at').notNull(),
    notification: jsonb('notification').notNull(),
    releasedAt: ts('released_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('held_notifications_due_idx').on(t.releaseAt).where(sql`released_at is null`),
    index('held_notifications_user_idx').on(t.userId),
  ],
);

export const processedEvents = processedEventsTable(notifierSchema);
export const { outbox, relayLease } = outboxTables(notifierSchema);

export type ReminderRow = typeof reminders.$inferSelect;

export interface ReminderDetails {
  remind_at: string;
  due_at: string;
  offset_minutes: number;
  sent_at: string;
  late: boolean;
}
