import { type Db, pgErrorCode, type Tx, UNIQUE_VIOLATION } from '@tasktide/db';
import type { AnyEvent } from '@tasktide/events';
import { onceInTransaction } from '@tasktide/outbox';
import { eq, sql } from 'drizzle-orm';
import { chainHeads, events, processedEvents } from '../db/schema.ts';
import { applyMembership } from '../projects/service.ts';
import { type ChainedFields, GENESIS_HASH, rowHash } from './hash.ts';

/** Ledger scope of the log writer: one name for every topic, so an event seen twice is stored once. */
export const LOG_CONSUMER = 'audit';

/**
 * Appends one event to its user's chain, at most once per event id (task.* events arrive on both
 * task-events and task-updates). True when this call stored it, false for a duplicate.
 */
export async function appendEvent(db: Db, event: AnyEvent): Promise<boolean> {
  try {
    return await onceInTransaction(db, processedEvents, LOG_CONSUMER, event.event_id, async (tx) => {
      await appendInTransaction(tx, event);
      // The membership projection moves with the log, in its transaction: never one without the other.
      await applyMembership(tx, event);
    });
  } catch (err) {
    // The log's own unique event id backs the ledger up (e.g. a redrive after the ledger was pruned):
    // already stored is a duplicate, not a failure to retry. Any other conflict is a real error.
    if (pgErrorCode(err) === UNIQUE_VIOLATION) {
      const [stored] = await db
        .select({ seq: events.seq })
        .from(events)
        .where(eq(events.eventId, event.event_id))
        .limit(1);
      if (stored) return false;
    }
    throw err;
  }
}

/** The log row of an event, before it is placed in a chain. */
export function logFieldsOf(event: AnyEvent): Omit<ChainedFields, 'seq' | 'recordedAt'> & { projectId: string | null } {
  const payload = event.payload as { task_id?: unknown; project_id?: unknown; task?: { project_id?: unknown } };
  const projectId = payload.project_id ?? payload.task?.project_id;
  return {
    userId: event.user_id,
    eventId: event.event_id,
    eventType: event.event_type,
    taskId: typeof payload.task_id === 'string' ? payload.task_id : null,
    // Not hashed (rowHash names its fields): it repeats the envelope's, which is.
    projectId: typeof projectId === 'string' ? projectId : null,
    // Truncated to milliseconds here, as the column stores it, so the hash survives the round trip.
    occurredAt: new Date(event.timestamp),
    correlationId: event.correlation_id,
    envelope: event,
  };
}

async function appendInTransaction(tx: Tx, event: AnyEvent): Promise<void> {
  const fields = logFieldsOf(event);
  // Creates the head on a user's first event, else takes its row lock: appends for one user queue
  // here until this transaction commits, so seq and prev_hash never fork.
  const [head] = await tx
    .insert(chainHeads)
    .values({ userId: fields.userId, seq: 0, hash: GENESIS_HASH })
    .onConflictDoUpdate({ target: chainHeads.userId, set: { updatedAt: sql`now()` } })
    .returning({ seq: chainHeads.seq, hash: chainHeads.hash });
  if (!head) throw new Error(`no chain head for user ${fields.userId}`);
  const row = { ...fields, seq: head.seq + 1, recordedAt: new Date() };
  const hash = rowHash(head.hash, row);
  await tx.insert(events).values({ ...row, prevHash: head.hash, hash });
  await tx
    .update(chainHeads)
    .set({ seq: row.seq, hash, updatedAt: row.recordedAt })
    .where(eq(chainHeads.userId, fields.userId));
}
