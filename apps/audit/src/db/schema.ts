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
  ],
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

export type AuditEventRow = typeof events.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
