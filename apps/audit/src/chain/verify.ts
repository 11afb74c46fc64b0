import type { Db } from '@tasktide/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import { type AuditEventRow, chainHeads, events } from '../db/schema.ts';
import { GENESIS_HASH, rowHash } from './hash.ts';

export type BreakReason = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface ChainBreak {
  /** The first row that does not verify (for head_mismatch: the last row of the log, 0 if none). */
  seq: number;
  eventId: string | null;
  reason: BreakReason;
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  rowsChecked: number;
  head: { seq: number; hash: string } | null;
  firstBroken: ChainBreak | null;
}

const broken = (row: AuditEventRow, reason: BreakReason, detail: string): ChainBreak => ({
  seq: row.seq,
  eventId: row.eventId,
  reason,
  detail,
});

/**
 * Recomputes a user's chain from its first row: seq without gaps, each prev_hash equal to the hash
 * before it, each hash equal to the hash of the row's content, and the last row equal to the chain
 * head. Reads one snapshot (repeatable read), so appends running meanwhile cannot look like tampering.
 * Stops at the first row that fails.
 */
export async function verifyChain(db: Db, userId: string, { pageSize = 500 } = {}): Promise<ChainReport> {
  return db.transaction(
    async (tx) => {
      const [head] = await tx
        .select({ seq: chainHeads.seq, hash: chainHeads.hash })
        .from(chainHeads)
        .where(eq(chainHeads.userId, userId));
      let prev = GENESIS_HASH;
      let expectedSeq = 1;
      let last: AuditEventRow | undefined;
      let checked = 0;
      const report = (firstBroken: ChainBreak | null): ChainReport => ({
        ok: firstBroken === null,
        rowsChecked: checked,
        head: head ?? null,
        firstBroken,
      });
      for (;;) {
        const page = await tx
          .select()
          .from(events)
          .where(and(eq(events.userId, userId), gt(events.seq, expectedSeq - 1)))
          .orderBy(asc(events.seq))
          .limit(pageSize);
        for (const row of page) {
          if (row.seq !== expectedSeq) {
            return report(broken(row, 'seq_gap', `expected seq ${expectedSeq}, found ${row.seq}: rows are missing`));
          }
          if (row.prevHash !== prev) {
            return report(broken(row, 'prev_hash_mismatch', 'prev_hash differs from the hash of the row before it'));
          }
          if (rowHash(row.prevHash, row) !== row.hash) {
            return report(broken(row, 'hash_mismatch', 'the row no longer matches its hash: it was changed'));
          }
          checked++;
          prev = row.hash;
          expectedSeq++;
          last = row;
        }
        if (page.length < pageSize) break;
      }
      const lastSeq = last?.seq ?? 0;
      if ((head?.seq ?? 0) !== lastSeq || (head?.hash ?? GENESIS_HASH) !== prev) {
        return report({
          seq: lastSeq,
          eventId: last?.eventId ?? null,
          reason: 'head_mismatch',
          detail: `the chain head records seq ${head?.seq ?? 'none'} but the log ends at seq ${lastSeq}: rows were removed from the end, or the head was changed`,
        });
      }
      return report(null);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
