import { createHash } from 'node:crypto';
import { allTopics, type Topic } from '@tasktide/events';
import { canonicalJson } from '../chain/hash.ts';

/** Consumer recorded when the bus, not an app, dead-lettered a message (it does not say who failed). */
export const UNKNOWN_CONSUMER = 'unknown';

export interface DeadLetter {
  /** The dead-letter topic it arrived on. */
  topic: string;
  originalTopic: Topic;
  consumer: string;
  reason: string;
  eventId: string;
  /** The original message data, made storable (see `storable`); null when there was none. */
  envelope: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max: number) => (typeof v === 'string' && v.length ? storable(v).slice(0, max) : undefined);
const isTopic = (v: unknown): v is Topic => typeof v === 'string' && (allTopics as string[]).includes(v);

/**
 * Reads a message of a `<topic>-dlq` topic in either shape the bus writes: an app-dropped poison
 * message `{event_id, dead_letter: {consumer, topic, reason}, original}`, or the original envelope
 * itself (Dapr dead-letters it unchanged after its delivery retries). Never throws on odd data —
 * a failing DLQ consumer would block its partition. The original topic is always a known topic, so
 * a redrive can never publish where the DLQ message pointed at random.
 */
export function parseDeadLetter(data: unknown, dlqTopic: string): DeadLetter {
  const derived = dlqTopic.replace(/-dlq$/, '');
  if (!isTopic(derived)) throw new Error(`${dlqTopic} is not the dead-letter topic of a known topic`);
  if (isRecord(data) && isRecord(data.dead_letter) && 'original' in data) {
    const meta = data.dead_letter;
    const original = data.original ?? null;
    return {
      topic: dlqTopic,
      originalTopic: isTopic(meta.topic) ? meta.topic : derived,
      consumer: text(meta.consumer, 200) ?? UNKNOWN_CONSUMER,
      reason: text(meta.reason, 2000) ?? 'no reason given',
      eventId: text(data.event_id, 200) ?? eventIdOf(original),
      envelope: storable(original),
    };
  }
  return {
    topic: dlqTopic,
    originalTopic: derived,
    consumer: UNKNOWN_CONSUMER,
    reason: 'delivery retries exhausted: dead-lettered by the bus',
    eventId: eventIdOf(data ?? null),
    envelope: storable(data ?? null),
  };
}

/** The envelope's event id, or a content hash so the same id-less message still dedupes. */
function eventIdOf(envelope: unknown): string {
  const id = isRecord(envelope) ? text(envelope.event_id, 200) : undefined;
  return (
    id ??
    `sha256:${createHash('sha256')
      .update(canonicalJson(storable(envelope)))
      .digest('hex')}`
  );
}

/**
 * Postgres text and jsonb refuse NUL characters and lone surrogates; replace them (U+FFFD) so a
 * malformed message is still kept for the operator instead of failing its DLQ partition.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed().replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}
