import { createHash } from 'node:crypto';

/** `prev_hash` of the first row of every user's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON (RFC 8785 / JCS for the JSON values we store): object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as `JSON.stringify` writes them, `undefined` members
 * left out. The same value gives the same text whatever the key order it was built or read with —
 * Postgres `jsonb` reorders keys, so hashing anything else would break on the way back.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} has no JSON form`);
  }
}

/** The columns of a log row the hash covers (everything but the hashes themselves). */
export interface ChainedFields {
  seq: number;
  userId: string;
  eventId: string;
  eventType: string;
  taskId: string | null;
  occurredAt: Date;
  recordedAt: Date;
  correlationId: string;
  envelope: unknown;
}

/**
 * `sha256(prev_hash + "\n" + canonical JSON of the row)`, hex. The row carries a format version
 * (`v`) so the recipe can change later without making old rows unverifiable.
 */
export function rowHash(prevHash: string, row: ChainedFields): string {
  const content = canonicalJson({
    v: 1,
    seq: row.seq,
    user_id: row.userId,
    event_id: row.eventId,
    event_type: row.eventType,
    task_id: row.taskId,
    occurred_at: row.occurredAt,
    recorded_at: row.recordedAt,
    correlation_id: row.correlationId,
    envelope: row.envelope,
  });
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}
