import type { Db, Tx } from '@tasktide/db';
import { type IdempotentResult, withIdempotency } from './service.ts';

interface SetLike {
  status?: number | string;
  headers: Record<string, string | number | undefined> | Record<string, unknown>;
}

/**
 * Wraps a POST handler with Idempotency-Key semantics and writes status + replay header.
 * `scope` separates key spaces: `user:<id>` for authenticated calls, `anon` for sign-up.
 */
export async function idempotentPost<T>(
  db: Db,
  ctx: { request: Request; set: SetLike; scope: string; body: unknown },
  run: (tx: Tx | Db) => Promise<IdempotentResult & { body: T }>,
): Promise<T> {
  const url = new URL(ctx.request.url);
  const result = await withIdempotency(
    db,
    {
      scope: ctx.scope,
      key: ctx.request.headers.get('idempotency-key'),
      method: 'POST',
      path: url.pathname,
      body: ctx.body,
    },
    run,
  );
  ctx.set.status = result.status;
  if (result.replayed) (ctx.set.headers as Record<string, string>)['idempotent-replayed'] = 'true';
  return result.body as T;
}
