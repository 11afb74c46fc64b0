import type { Db } from '@tasktide/db';
import type { Principal } from '@tasktide/service-kit';
import { eq } from 'drizzle-orm';
import { users } from '../db/schema.ts';

/**
 * Whether a JWT's session still holds: its account exists and the token was issued no earlier
 * than the last password change. One indexed lookup per user per `ttlMs` (cached): a change made on
 * this replica counts at once, one made on another within the window.
 */
export function createSessionCheck(db: Db, { ttlMs = 30_000, maxEntries = 50_000 } = {}) {
  const cache = new Map<string, { validAfterSec: number | null; exists: boolean; until: number }>();
  async function lookup(userId: string) {
    const hit = cache.get(userId);
    if (hit && hit.until > Date.now()) return hit;
    const [row] = await db
      .select({ validAfter: users.tokensValidAfter })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1);
    const entry = {
      exists: !!row,
      validAfterSec: row?.validAfter ? Math.floor(row.validAfter.getTime() / 1000) : null,
      until: Date.now() + ttlMs,
    };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(userId, entry);
    return entry;
  }
  return {
    async confirm(principal: Principal): Promise<boolean> {
      const { exists, validAfterSec } = await lookup(principal.userId);
      if (!exists) return false;
      return validAfterSec === null || (principal.issuedAt ?? 0) >= validAfterSec;
    },
    /** Forget what is known of a user (after their password changed or the account was deleted). */
    forget(userId: string) {
      cache.delete(userId);
    },
  };
}
export type SessionCheck = ReturnType<typeof createSessionCheck>;
