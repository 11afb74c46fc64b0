import type { Db } from '@tasktide/db';
import { eq, sql } from 'drizzle-orm';
import { assertStateKey, type StateStore } from '../ports.ts';
import { stateEntries } from './schema.ts';

const expiry = (ttlSeconds?: number) => (ttlSeconds ? new Date(Date.now() + ttlSeconds * 1000) : null);

/** Dapr state-store semantics on a table: ETags, TTL, first-write-wins claims. */
export function createEmbeddedState(db: Db, prefix: string): StateStore {
  const k = (key: string) => {
    assertStateKey(key);
    return `${prefix}||${key}`;
  };
  return {
    async get<T>(key: string) {
      const [row] = await db
        .select()
        .from(stateEntries)
        .where(eq(stateEntries.key, k(key)));
      if (!row || (row.expiresAt && row.expiresAt <= new Date())) return null;
      return { value: row.value as T, etag: row.etag };
    },
    async set(key, value, opts = {}) {
      const row = { key: k(key), value, etag: crypto.randomUUID(), expiresAt: expiry(opts.ttlSeconds) };
      await db
        .insert(stateEntries)
        .values(row)
        .onConflictDoUpdate({
          target: stateEntries.key,
          set: { value: row.value, etag: row.etag, expiresAt: row.expiresAt },
        });
    },
    async claim(key, value, opts = {}) {
      const row = { key: k(key), value, etag: crypto.randomUUID(), expiresAt: expiry(opts.ttlSeconds) };
      // Like Dapr's first-write on postgres: insert, or take over only a row that has expired.
      const won = await db
        .insert(stateEntries)
        .values(row)
        .onConflictDoUpdate({
          target: stateEntries.key,
          set: { value: row.value, etag: row.etag, expiresAt: row.expiresAt },
          setWhere: sql`${stateEntries.expiresAt} is not null and ${stateEntries.expiresAt} <= now()`,
        })
        .returning({ key: stateEntries.key });
      return won.length === 1;
    },
    async replace(key, value, etag, opts = {}) {
      const updated = await db
        .update(stateEntries)
        .set({ value, etag: crypto.randomUUID(), expiresAt: expiry(opts.ttlSeconds) })
        .where(
          sql`${stateEntries.key} = ${k(key)} and ${stateEntries.etag} = ${etag} and (${stateEntries.expiresAt} is null or ${stateEntries.expiresAt} > now())`,
        )
        .returning({ key: stateEntries.key });
      return updated.length === 1;
    },
    async delete(key) {
      await db.delete(stateEntries).where(eq(stateEntries.key, k(key)));
    },
  };
}
