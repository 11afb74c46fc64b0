import type { Db } from '@tasktide/db';
import type { OutgoingMessage, PubSub } from '@tasktide/platform';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, gt, isNotNull, isNull, lte, type SQL, sql } from 'drizzle-orm';
import { type DeadLetterRow, deadLetters } from '../db/schema.ts';
import type { DeadLetterDto, ListDeadLettersQuery } from './model.ts';
import type { DeadLetter } from './parse.ts';

/**
 * Records a dead-lettered message, once per (event, original topic, consumer). The same message
 * arriving again (it failed again after a redrive, or the DLQ delivered it twice) makes the entry
 * pending again and counts the arrival.
 */
export async function storeDeadLetter(db: Db, entry: DeadLetter): Promise<void> {
  await db
    .insert(deadLetters)
    .values(entry)
    .onConflictDoUpdate({
      target: [deadLetters.eventId, deadLetters.originalTopic, deadLetters.consumer],
      set: {
        reason: entry.reason,
        envelope: entry.envelope,
        lastReceivedAt: sql`now()`,
        deadLetterCount: sql`${deadLetters.deadLetterCount} + 1`,
        redrivenAt: null,
      },
    });
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDeadLetterDto(row: DeadLetterRow): DeadLetterDto {
  return {
    id: row.id,
    topic: row.topic,
    original_topic: row.originalTopic,
    consumer: row.consumer,
    reason: row.reason,
    event_id: row.eventId,
    envelope: row.envelope,
    received_at: row.receivedAt.toISOString(),
    last_received_at: row.lastReceivedAt.toISOString(),
    dead_letter_count: row.deadLetterCount,
    redriven_at: iso(row.redrivenAt),
    redrive_count: row.redriveCount,
  };
}

const invalidCursor = () =>
  new AppError('validation_failed', '/cursor: is not a cursor this API issued', {
    errors: [{ field: '/cursor', message: 'is not a cursor this API issued' }],
  });

/** Entries oldest first (stable: by id), optionally of one topic and state, in keyset pages. */
export async function listDeadLetters(db: Db, query: ListDeadLettersQuery) {
  const limit = query.limit ? Number(query.limit) : 50;
  const where: SQL[] = [];
  if (query.topic) where.push(eq(deadLetters.originalTopic, query.topic));
  const status = query.status ?? 'pending';
  if (status === 'pending') where.push(isNull(deadLetters.redrivenAt));
  if (status === 'redriven') where.push(isNotNull(deadLetters.redrivenAt));
  if (query.cursor) {
    const after = Number(Buffer.from(query.cursor, 'base64url').toString());
    if (!Number.isSafeInteger(after) || after < 0) throw invalidCursor();
    where.push(gt(deadLetters.id, after));
  }
  const rows = await db
    .select()
    .from(deadLetters)
    .where(and(...where))
    .orderBy(asc(deadLetters.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toDeadLetterDto),
    next_cursor: rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null,
  };
}

export async function getDeadLetter(db: Db, id: number): Promise<DeadLetterRow> {
  const [row] = await db.select().from(deadLetters).where(eq(deadLetters.id, id));
  if (!row) throw new AppError('not_found', `No dead-letter entry ${id}`);
  return row;
}

/** The message a redrive publishes: the original envelope, keyed by its user like the first time. */
function messageOf(row: DeadLetterRow): OutgoingMessage {
  const envelope = row.envelope as Record<string, unknown>;
  const key = typeof envelope.user_id === 'string' ? envelope.user_id : row.eventId;
  return { key, data: envelope as OutgoingMessage['data'] };
}

async function markRedriven(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db
    .update(deadLetters)
    .set({ redrivenAt: sql`now()`, redriveCount: sql`${deadLetters.redriveCount} + 1` })
    .where(
      sql`${deadLetters.id} in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    )
    .returning();
}

/**
 * Publishes one entry's original envelope to its original topic again. Every consumer of that
 * topic receives it; they are idempotent on the event id, so only the ones that had not applied it
 * do something. Redriving twice is harmless for the same reason.
 */
export async function redriveOne(db: Db, pubsub: Pick<PubSub, 'publish'>, id: number): Promise<DeadLetterDto> {
  const row = await getDeadLetter(db, id);
  if (row.envelope === null || typeof row.envelope !== 'object' || Array.isArray(row.envelope)) {
    throw new AppError('conflict', `Entry ${id} has no event envelope to publish`);
  }
  const message = messageOf(row);
  let failure: string | undefined;
  try {
    const result = await pubsub.publish(row.originalTopic, [message]);
    failure = result.failed[0]?.error;
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  if (failure) throw new AppError('unavailable', `Publishing to ${row.originalTopic} failed: ${failure}`);
  const [updated] = await markRedriven(db, [row.id]);
  return toDeadLetterDto(updated ?? row);
}

export interface RedriveSummary {
  topic: string;
  /** Entries marked redriven. */
  redriven: number;
  /** Messages published (entries of several consumers for one event share one message). */
  published: number;
  /** Entries left pending (publish failed, or no envelope to publish). */
  failed: number;
  error: string | null;
}

/**
 * Redrives every pending entry of a topic that existed when the call started, oldest first, in
 * batches. Entries that fail again while this runs come back as pending and are not re-sent by
 * this call. Stops at the first batch the broker refuses entirely.
 */
export async function redriveTopic(
  db: Db,
  pubsub: Pick<PubSub, 'publish'>,
  topic: string,
  { batchSize = 100 } = {},
): Promise<RedriveSummary> {
  const summary: RedriveSummary = { topic, redriven: 0, published: 0, failed: 0, error: null };
  const [bound] = await db
    .select({ max: sql<number | null>`max(${deadLetters.id})` })
    .from(deadLetters)
    .where(and(eq(deadLetters.originalTopic, topic), isNull(deadLetters.redrivenAt)));
  const maxId = Number(bound?.max ?? 0);
  let after = 0;
  while (after < maxId) {
    const rows = await db
      .select()
      .from(deadLetters)
      .where(
        and(
          eq(deadLetters.originalTopic, topic),
          isNull(deadLetters.redrivenAt),
          gt(deadLetters.id, after),
          lte(deadLetters.id, maxId),
        ),
      )
      .orderBy(asc(deadLetters.id))
      .limit(batchSize);
    if (!rows.length) break;
    after = rows.at(-1)?.id ?? maxId;
    const sendable = rows.filter((r) => r.envelope !== null && typeof r.envelope === 'object');
    summary.failed += rows.length - sendable.length;
    // One message per event: entries of several consumers for the same event share it.
    const byEvent = new Map<string, DeadLetterRow[]>();
    for (const r of sendable) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r]);
    const messages = [...byEvent.values()].map((group) => messageOf(group[0] as DeadLetterRow));
    let failedIds: Set<unknown>;
    try {
      const result = await pubsub.publish(topic, messages);
      failedIds = new Set(result.failed.map((f) => f.eventId));
      if (result.failed.length) summary.error = result.failed[0]?.error ?? 'publish failed';
    } catch (err) {
      summary.failed += sendable.length;
      summary.error = err instanceof Error ? err.message : String(err);
      break;
    }
    const done: number[] = [];
    for (const [i, group] of [...byEvent.values()].entries()) {
      const envelopeId = messages[i]?.data.event_id;
      // A message without an event id cannot be matched to the broker's answer: count it sent only
      // when nothing in the batch failed.
      const failed = typeof envelopeId === 'string' ? failedIds.has(envelopeId) : failedIds.size > 0;
      if (failed) summary.failed += group.length;
      else {
        summary.published++;
        done.push(...group.map((r) => r.id));
      }
    }
    summary.redriven += (await markRedriven(db, done)).length;
  }
  return summary;
}
