import { bigint, bigserial, index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Tables of the embedded adapter (bun dev / fast tests): a durable log with per-consumer offsets
 * (Kafka's model, in Postgres/PGlite), a key-value state store and persisted jobs.
 */
export const embedded = pgSchema('embedded');
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const busMessages = embedded.table(
  'bus_messages',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    key: text('key').notNull(),
    data: jsonb('data').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('bus_messages_topic_partition_idx').on(t.topic, t.partition, t.seq)],
);

export const busOffsets = embedded.table(
  'bus_offsets',
  {
    consumer: text('consumer').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    /** Last delivered (acknowledged or dead-lettered) sequence number. */
    offset: bigint('offset', { mode: 'number' }).notNull().default(0),
    /** Failed attempts of the message after `offset`. */
    attempts: integer('attempts').notNull().default(0),
    retryAt: ts('retry_at'),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.topic, t.partition] })],
);

export const stateEntries = embedded.table('state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  etag: text('etag').notNull(),
  expiresAt: ts('expires_at'),
});

export const jobs = embedded.table(
  'jobs',
  {
    appId: text('app_id').notNull(),
    name: text('name').notNull(),
    dueTime: ts('due_time').notNull(),
    data: jsonb('data').notNull(),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.appId, t.name] }), index('jobs_due_idx').on(t.dueTime)],
);
