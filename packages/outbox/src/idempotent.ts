import type { Db, Tx } from '@tasktide/db';

import { markDuplicate, type StateStore } from '@tasktide/platform';
import type { ProcessedEventsTable } from './tables.ts';

/**
 * Runs `effect` at most once per (consumer, event id): the ledger row and the effect commit in one
 * transaction, so a redelivery after a crash either finds both or neither. Returns false for a
 * duplicate (the effect was skipped); inside a delivery that also counts it as outcome `duplicate`
 * in `tasktide_events_consumed_total`.
 *
 * @example
 * const applied = await onceInTransaction(db, processed, 'audit', event.event_id, (tx) => tx.insert(log).values(row))
 */
export async function onceInTransaction(
  db: Db,
  ledger: ProcessedEventsTable,
  consumer: string,
  eventId: string,
  effect: (tx: Tx) => Promise<unknown>,
): Promise<boolean> {
  const applied = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(ledger)
      .values({ consumer, eventId })
      .onConflictDoNothing()
      .returning({ id: ledger.eventId });
    if (!inserted.length) return false;
    await effect(tx);
    return true;
  });
  // Marked here, after the await, not inside the transaction callback: a pooled driver may run that
  // callback outside the delivery's async context.
  if (!applied) markDuplicate();
  return applied;
}

/**
 * For effects outside the database (a webhook, a socket push): claims `<consumer>:<eventId>` in the
 * state store first-write-wins; only the winner acts. If the act then fails the caller should
 * `release` so a redelivery can try again.
 */
export async function claimOnce(state: StateStore, consumer: string, eventId: string, ttlSeconds = 7 * 86_400) {
  const key = `claim:${consumer}:${eventId}`;
  const won = await state.claim(key, { at: new Date().toISOString() }, { ttlSeconds });
  if (!won) markDuplicate();
  return { won, release: () => state.delete(key) };
}
