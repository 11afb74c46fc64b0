import { type Db, pgErrorCode, type Tx, UNIQUE_VIOLATION } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema.ts';

export interface IdempotentResult {
  status: number;
  body: unknown;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
/** Keys are remembered this long; a retry after that is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

function hashRequest(method: string, path: string, body: unknown): string {
  return new Bun.CryptoHasher('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/**
 * Runs a POST at most once per Idempotency-Key. The key row is inserted in the same transaction as
 * the effect, so a crash before commit leaves neither, and a concurrent duplicate waits on the key's
 * unique index and then replays the stored response. Same key with another body → 422.
 * Only successful responses are stored; a failed request can be retried with the same key.
 */
export async function withIdempotency(
  db: Db,
  req: { scope: string; key: string | null | undefined; method: string; path: string; body: unknown },
  run: (tx: Tx | Db) => Promise<IdempotentResult>,
): Promise<IdempotentResult & { replayed: boolean }> {
  if (req.key === null || req.key === undefined) return { ...(await run(db)), replayed: false };
  if (!KEY.test(req.key)) {
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', {
      errors: [{ field: 'header:idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
    });
  }
  const requestHash = hashRequest(req.method, req.path, req.body);
  const where = and(eq(idempotencyKeys.scope, req.scope), eq(idempotencyKeys.key, req.key));
  const replay = async () => {
    const [row] = await db.select().from(idempotencyKeys).where(where).limit(1);
    if (!row || row.status === null) return null;
    if (row.requestHash !== requestHash) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    return { status: row.status, body: row.body === null ? null : JSON.parse(row.body), replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await db.transaction(async (tx) => {
      await tx.insert(idempotencyKeys).values({ scope: req.scope, key: req.key as string, requestHash });
      const result = await run(tx);
      await tx
        .update(idempotencyKeys)
        .set({ status: result.status, body: JSON.stringify(result.body ?? null) })
        .where(where);
      return { ...result, replayed: false };
    });
  } catch (err) {
    if (pgErrorCode(err) !== UNIQUE_VIOLATION) throw err;
    const winner = await replay();
    if (winner) return winner;
    throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
  }
}

/** Forgets keys older than the TTL; run on a schedule. */
export async function pruneIdempotencyKeys(db: Db, now = new Date()): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)));
}
