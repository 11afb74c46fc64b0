import type { Db } from '@tasktide/db';
import type { PubSub } from '@tasktide/platform';
import { backoffDelay, type Logger } from '@tasktide/service-kit';
import { and, asc, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Registry } from 'prom-client';
import { outboxMetrics } from './metrics.ts';
import type { OutboxTables } from './tables.ts';

export interface RelayOptions {
  db: Db;
  tables: OutboxTables;
  /** Label of this outbox in metrics (the owning app). */
  name?: string;
  pubsub: Pick<PubSub, 'publish'>;
  log?: Logger;
  registry?: Registry;
  /** Identity of this instance for the lease (pod name). */
  owner?: string;
  batchSize?: number;
  /** Poll interval when idle; commits in this process wake the relay at once via notify(). */
  idleMs?: number;
  leaseMs?: number;
  /** Backoff while the broker or sidecar is down: base doubles per failure up to max, ±20 % jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Published rows are deleted after this long. */
  retentionMs?: number;
  pruneEveryMs?: number;
}

/** Kept as the relay's name for it; the one implementation lives in service-kit. */
export { backoffDelay };

/**
 * Drains the outbox to the bus. One instance at a time holds a lease row (several api replicas are
 * safe: the others wait as hot standbys), rows go out in id order — so per user in commit order —
 * in batches per topic, and are marked published only after the broker accepted them. A crash between
 * publish and mark re-publishes that batch once the lease expires: at-least-once, which the
 * consumers' (consumer, event_id) ledger turns into exactly-once effects.
 */
export function createOutboxRelay({
  db,
  tables: { outbox, relayLease },
  name = 'outbox',
  pubsub,
  log,
  registry,
  owner = `relay-${crypto.randomUUID()}`,
  batchSize = 500,
  idleMs = 250,
  leaseMs = 15_000,
  backoffBaseMs = 100,
  backoffMaxMs = 30_000,
  retentionMs = 24 * 3600_000,
  pruneEveryMs = 60_000,
}: RelayOptions) {
  const metrics = outboxMetrics(registry, name, async () => {
    const [row] = await db
      .select({
        n: sql<number>`count(*)::int`,
        age: sql<number | null>`extract(epoch from now() - min(${outbox.createdAt}))::float8`,
      })
      .from(outbox)
      .where(isNull(outbox.publishedAt));
    return { pending: row?.n ?? 0, oldestAgeSeconds: Number(row?.age ?? 0) };
  });

  let stopped = true;
  let wakeUp: ((force?: boolean) => void) | undefined;
  let loop: Promise<void> | undefined;
  let consecutiveFailures = 0;
  let lastPrune = 0;

  let heldUntil = 0;
  /**
   * Takes or renews the lease. Renewal is a write, so a holder renews only when a third of the lease
   * has run out, not on every drain (commits are the api's scarcest resource).
   */
  async function holdLease(): Promise<boolean> {
    if (heldUntil - Date.now() > (leaseMs * 2) / 3) return true;
    const until = new Date(Date.now() + leaseMs);
    const rows = await db
      .insert(relayLease)
      .values({ name: 'outbox', owner, expiresAt: until })
      .onConflictDoUpdate({
        target: relayLease.name,
        set: { owner, expiresAt: until },
        setWhere: sql`${relayLease.owner} = ${owner} or ${relayLease.expiresAt} < now()`,
      })
      .returning({ owner: relayLease.owner });
    const held = rows[0]?.owner === owner;
    heldUntil = held ? until.getTime() : 0;
    return held;
  }

  /**
   * Marks rows published without waiting for the WAL flush: losing such a mark in a crash only
   * re-publishes those rows, which at-least-once delivery already allows — not worth an fsync each.
   */
  async function markPublished(ids: number[]) {
    // One statement, one round trip: set_config(…, true) lasts for the statement's own implicit
    // transaction, and synchronous_commit is read when it commits (an explicit BEGIN, SET LOCAL,
    // UPDATE, COMMIT cost four round trips per batch).
    await db.execute(
      sql`update ${outbox} set published_at = now()
          from (select set_config('synchronous_commit', 'off', true)) as async_commit
          where ${inArray(outbox.id, ids)}`,
    );
  }

  /** Publishes one batch. Returns how many rows it published (0 = nothing to do). */
  async function drainOnce(): Promise<number> {
    if (!(await holdLease())) return 0;
    const batch = await db
      .select()
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.id))
      .limit(batchSize);
    if (!batch.length) return 0;
    const byTopic = new Map<string, typeof batch>();
    for (const row of batch) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    let done = 0;
    let firstError: unknown;
    await Promise.all(
      [...byTopic].map(async ([topic, rows]) => {
        try {
          const result = await pubsub.publish(
            topic,
            rows.map((r) => ({ key: r.partitionKey, data: r.envelope as { event_id: string } })),
          );
          const ok = new Set(result.published);
          const okRows = rows.filter((r) => ok.has(r.eventId));
          const okIds = okRows.map((r) => r.id);
          if (okIds.length) {
            await markPublished(okIds);
            const byType = new Map<string, number>();
            for (const r of okRows) byType.set(r.eventType, (byType.get(r.eventType) ?? 0) + 1);
            for (const [type, n] of byType) metrics.published(topic, n, type);
            done += okIds.length;
          }
          if (result.failed.length) {
            metrics.failed(topic);
            firstError ??= new Error(result.failed[0]?.error);
          }
        } catch (err) {
          metrics.failed(topic);
          firstError ??= err;
          await db
            .update(outbox)
            .set({
              attempts: sql`${outbox.attempts} + 1`,
              lastError: String((err as Error).message ?? err).slice(0, 500),
            })
            .where(
              inArray(
                outbox.id,
                rows.map((r) => r.id),
              ),
            );
        }
      }),
    );
    if (firstError) throw firstError;
    return done;
  }

  async function prune() {
    if (Date.now() - lastPrune < pruneEveryMs) return;
    lastPrune = Date.now();
    await db
      .delete(outbox)
      .where(and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, new Date(Date.now() - retentionMs))));
  }

  async function run() {
    while (!stopped) {
      let delay = idleMs;
      try {
        const n = await drainOnce();
        consecutiveFailures = 0;
        if (n > 0) delay = 0;
        await prune();
      } catch (err) {
        consecutiveFailures++;
        delay = backoffDelay(consecutiveFailures, backoffBaseMs, backoffMaxMs);
        log?.warn(
          { err: (err as Error).message, retry_in_ms: delay, failures: consecutiveFailures },
          'outbox publish failed; backing off',
        );
      }
      if (delay > 0 && !stopped) {
        const backingOff = consecutiveFailures > 0;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wakeUp = (force = false) => {
            // A commit's notify must not cut a backoff short; stop() always wakes.
            if (backingOff && !force) return;
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    /** Hint after a commit that wrote outbox rows. */
    notify() {
      wakeUp?.();
    },
    drainOnce,
    /** Deletes published rows older than the retention now (the loop does it every pruneEveryMs). */
    async pruneOnce() {
      lastPrune = 0;
      await prune();
    },
    /** Rows committed but not yet accepted by the broker. */
    async pending(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.publishedAt));
      return Number(row?.n ?? 0);
    },
    async stop() {
      stopped = true;
      wakeUp?.(true);
      await loop;
      heldUntil = 0;
      await db.delete(relayLease).where(sql`${relayLease.owner} = ${owner}`);
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
