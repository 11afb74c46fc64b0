import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  type PgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * The transactional outbox of an app, in the app's own schema: rows written in the same transaction
 * as the change they describe, plus the relay's leader lease.
 */
export function outboxTables(schema: PgSchema) {
  const outbox = schema.table(
    'outbox',
    {
      id: bigserial('id', { mode: 'number' }).primaryKey(),
      eventId: uuid('event_id').notNull(),
      topic: text('topic').notNull(),
      partitionKey: text('partition_key').notNull(),
      eventType: text('event_type').notNull(),
      envelope: jsonb('envelope').notNull(),
      createdAt: ts('created_at').notNull().defaultNow(),
      publishedAt: ts('published_at'),
      attempts: integer('attempts').notNull().default(0),
      lastError: text('last_error'),
    },
    (t) => [
      uniqueIndex('outbox_event_key').on(t.eventId, t.topic),
      index('outbox_pending_idx').on(t.id).where(sql`published_at is null`),
      index('outbox_published_idx').on(t.publishedAt).where(sql`published_at is not null`),
    ],
  );
  /** Leader lease of the relay: exactly one instance drains the outbox at a time. */
  const relayLease = schema.table('relay_lease', {
    name: text('name').primaryKey(),
    owner: text('owner').notNull(),
    expiresAt: ts('expires_at').notNull(),
  });
  return { outbox, relayLease };
}

export type OutboxTables = ReturnType<typeof outboxTables>;

/** The `(consumer, event_id)` ledger a consuming app keeps in its own schema. */
export function processedEventsTable(schema: PgSchema) {
  return schema.table(
    'processed_events',
    {
      consumer: text('consumer').notNull(),
      eventId: uuid('event_id').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
  );
}
export type ProcessedEventsTable = ReturnType<typeof processedEventsTable>;
