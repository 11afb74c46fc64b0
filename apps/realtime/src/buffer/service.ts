import type { Db } from '@tasktide/db';
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { eventBuffer } from '../db/schema.ts';

/** An event as the buffer keeps it: the envelope consumers received (ids, type, user, timestamp). */
export interface BufferedEvent {
  event_id: string;
  event_type: string;
  user_id: string;
  timestamp: string;
  [field: string]: unknown;
}

export type ResyncReason = 'unknown_event_id' | 'expired' | 'too_many_missed';

/** The answer to "what did I miss after this event?": the events, or a reason to reload instead. */
export type Replay = { status: 'replay'; events: BufferedEvent[] } | { status: 'resync'; reason: ResyncReason };

export interface ReplayBufferOptions {
  /** Events kept per user; a client that missed more is told to resync. */
  perUser?: number;
  /** How long an event stays replayable. */
  retentionMs?: number;
}

/**
 * The bounded replay buffer in realtime's own table. Every replica appends every event (the second
 * insert is a no-op), so a client can resume on any replica. Bounds: `perUser` events and
 * `retentionMs`; `since` enforces both at read time, `prune` reclaims the space.
 *
 * @example
 * const buffer = createReplayBuffer(db, { perUser: 200, retentionMs: 24 * 3600_000 })
 * await buffer.append(event)
 * const replay = await buffer.since(userId, lastEventId) // { status: 'replay', events } | { status: 'resync', reason }
 */
export function createReplayBuffer(db: Db, { perUser = 200, retentionMs = 24 * 3600_000 }: ReplayBufferOptions = {}) {
  const cutoff = (now: Date) => new Date(now.getTime() - retentionMs);

  return {
    perUser,
    retentionMs,

    /**
     * Keeps the event for each recipient (default: its user; a shared project's event: every member
     * it was pushed to), so each of them can resume past it.
     */
    async append(event: BufferedEvent, recipients: readonly string[] = [event.user_id]): Promise<void> {
      if (recipients.length === 0) return;
      await db
        .insert(eventBuffer)
        .values(recipients.map((userId) => ({ userId, eventId: event.event_id, eventType: event.event_type, event })))
        .onConflictDoNothing({ target: [eventBuffer.userId, eventBuffer.eventId] });
    },

    /** Events of `userId` that arrived after `lastEventId`, oldest first. */
    async since(userId: string, lastEventId: string, now = new Date()): Promise<Replay> {
      const [anchor] = await db
        .select({ seq: eventBuffer.seq, receivedAt: eventBuffer.receivedAt })
        .from(eventBuffer)
        .where(and(eq(eventBuffer.userId, userId), eq(eventBuffer.eventId, lastEventId)));
      if (!anchor) return { status: 'resync', reason: 'unknown_event_id' };
      if (anchor.receivedAt < cutoff(now)) return { status: 'resync', reason: 'expired' };
      const rows = await db
        .select({ event: eventBuffer.event })
        .from(eventBuffer)
        .where(and(eq(eventBuffer.userId, userId), gt(eventBuffer.seq, anchor.seq)))
        .orderBy(asc(eventBuffer.seq))
        .limit(perUser + 1);
      // More than the buffer holds per user: some were (or will be) pruned, so the gap cannot be filled.
      if (rows.length > perUser) return { status: 'resync', reason: 'too_many_missed' };
      return { status: 'replay', events: rows.map((r) => r.event as BufferedEvent) };
    },

    /** Deletes events past the retention and beyond `perUser` per user; returns how many went. */
    async prune(now = new Date()): Promise<number> {
      const old = await db
        .delete(eventBuffer)
        .where(lt(eventBuffer.receivedAt, cutoff(now)))
        .returning({ seq: eventBuffer.seq });
      const surplus = await db
        .delete(eventBuffer)
        .where(
          inArray(
            eventBuffer.seq,
            sql`(select seq from (select seq, row_number() over (partition by user_id order by seq desc) as rn
                 from ${eventBuffer}) ranked where ranked.rn > ${perUser})`,
          ),
        )
        .returning({ seq: eventBuffer.seq });
      return old.length + surplus.length;
    },
  };
}

export type ReplayBuffer = ReturnType<typeof createReplayBuffer>;
