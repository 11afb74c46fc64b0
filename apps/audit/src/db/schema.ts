import { processedEventsTable } from '@tasktide/outbox';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The audit service owns the `audit` schema; no other app reads these tables. */
export const auditSchema = pgSchema('audit');

// Millisecond precision: what JS Dates hold, so a row hashes the same after a round trip.
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * The append-only log: one row per event, chained per user (`prev_hash` → `hash`). A trigger
 * refuses UPDATE, DELETE and TRUNCATE (drizzle/0000_init.sql); in clusters the app's role only
 * has INSERT and SELECT on it (README).
 */
export const events = auditSchema.table(
  'events',
  {
    userId: uuid('user_id').notNull(),
    /** Position in the user's chain, from 1 without gaps. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    taskId: uuid('task_id'),
    /**
     * The project the event is about (payload `project_id`, or the task snapshot's), so a project's
     * members can read its log by index. Derived from the hashed envelope, so not hashed itself.
     */
    projectId: uuid('project_id'),
    occurredAt: ts('occurred_at').notNull(),
    recordedAt: ts('recorded_at').notNull(),
    correlationId: text('correlation_id').notNull(),
    envelope: jsonb('envelope').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.seq] }),
    uniqueIndex('events_event_id_key').on(t.eventId),
    index('events_user_task_idx').on(t.userId, t.taskId, t.seq),
    index('events_user_type_idx').on(t.userId, t.eventType, t.seq),
    index('events_user_occurred_idx').on(t.userId, t.occurredAt),
    index('events_project_event_idx').on(t.projectId, t.eventId).where(sql`project_id is not null`),
  ],
);

/**
 * Who is a member of which project with which role, as member.* / project.deleted events said:
 * audit's own copy, which decides who may read a project's log (no read of the api's tables). A
 * removal keeps its row (`role` null) with the time of the event that set it, so a late, older
 * event cannot bring a removed member back.
 */
export const projectMembers = auditSchema.table(
  'project_members',
  {
    projectId: uuid('project_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** viewer | editor | admin; null once the user is no longer a member. */
    role: text('role'),
    asOf: ts('as_of').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/** The head of each user's chain; its row lock serializes appends for one user. */
export const chainHeads = auditSchema.table('chain_heads', {
  userId: uuid('user_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Dead-lettered messages of every topic, one row per (event, original topic, failing consumer). */
export const deadLetters = auditSchema.table(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The dead-letter topic it arrived on, e.g. `task-events-dlq`. */
    topic: text('topic').notNull(),
    /** Where a redrive publishes it again; always one of the known topics. */
    originalTopic: text('original_topic').notNull(),
    /** The consumer that gave up, or `unknown` when the bus dead-lettered it after its retries. */
    consumer: text('consumer').notNull(),
    reason: text('reason').notNull(),
    eventId: text('event_id').notNull(),
    /** The original message data; null when the dead-lettered message carried none. */
    envelope: jsonb('envelope'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    lastReceivedAt: ts('last_received_at').notNull().defaultNow(),
    /** How often this (event, consumer) reached the DLQ, e.g. again after a redrive. */
    deadLetterCount: integer('dead_letter_count').notNull().default(1),
    redrivenAt: ts('redriven_at'),
    redriveCount: integer('redrive_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('dead_letters_event_key').on(t.eventId, t.originalTopic, t.consumer),
    index('dead_letters_topic_idx').on(t.originalTopic, t.id),
    index('dead_letters_pending_idx').on(t.originalTopic, t.id).where(sql`redriven_at is null`),
  ],
);

/** The idempotent consumer's `(consumer, event_id)` ledger. */
export const processedEvents = processedEventsTable(auditSchema);

export type ProjectMemberRow = typeof projectMembers.$inferSelect;
export type AuditEventRow = typeof events.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
