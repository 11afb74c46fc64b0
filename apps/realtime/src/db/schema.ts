import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** realtime owns this schema; no other app reads it. */
export const realtime = pgSchema('realtime');

/**
 * The replay buffer: the last task-updates events per user, so a reconnecting client gets what it
 * missed. Every replica consumes every event and inserts it; (user_id, event_id) makes the second
 * insert a no-op. `seq` is arrival order, which is what "after the event I saw" means (event ids
 * are time-ordered by their producer, not by the partition they arrive on).
 */
export const eventBuffer = realtime.table(
  'event_buffer',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    event: jsonb('event').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('event_buffer_user_event').on(t.userId, t.eventId),
    index('event_buffer_user_seq').on(t.userId, t.seq),
    index('event_buffer_received_at').on(t.receivedAt),
  ],
);

/**
 * Who is an active member of which project, as member.* and project.deleted events said — the
 * fan-out list of a project's task and comment updates. realtime's own copy (never a read of the
 * api's tables). A removal keeps its row (`active = false`) as a tombstone: membership events of one
 * project come from different actors, hence different partitions, so `as_of` (the event's time)
 * lets a late, older event lose against a newer one instead of resurrecting a removed member.
 */
export const projectMembers = realtime.table(
  'project_members',
  {
    projectId: uuid('project_id').notNull(),
    userId: uuid('user_id').notNull(),
    active: boolean('active').notNull(),
    asOf: timestamp('as_of', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user').on(t.userId)],
);
