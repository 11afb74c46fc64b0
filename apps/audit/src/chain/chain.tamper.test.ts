import { describe, expect, test } from 'bun:test';
import { dbKinds, useTestDb } from '@tasktide/db/testing';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { auditMigrations } from '../db/migrations.ts';
import { events } from '../db/schema.ts';
import { testEvent } from '../testing.ts';
import { appendEvent } from './append.ts';
import { rowHash } from './hash.ts';
import { verifyChain } from './verify.ts';

/**
 * Tampering as someone with full database rights would do it: switch the append-only trigger off,
 * change the log, switch it on again. The chain must point at the first row that no longer fits.
 */
describe.each(dbKinds())('verifying a chain detects tampering (%s)', (kind) => {
  const db = useTestDb(kind, { migrations: [auditMigrations] });

  async function chainOf(length: number) {
    const user = crypto.randomUUID();
    const sent = Array.from({ length }, () => testEvent('task.updated', user));
    for (const e of sent) await appendEvent(db.db, e);
    return { user, sent };
  }
  async function tamper(statement: SQL) {
    await db.db.execute(sql`alter table audit.events disable trigger events_append_only`);
    try {
      await db.db.execute(statement);
    } finally {
      await db.db.execute(sql`alter table audit.events enable trigger events_append_only`);
    }
  }
  const at = (user: string, seq: number) => and(eq(events.userId, user), eq(events.seq, seq));

  test('an intact chain verifies, and so does a user without events', async () => {
    const { user } = await chainOf(5);
    expect(await verifyChain(db.db, user, { pageSize: 2 })).toMatchObject({
      ok: true,
      rowsChecked: 5,
      firstBroken: null,
    });
    expect(await verifyChain(db.db, crypto.randomUUID())).toEqual({
      ok: true,
      rowsChecked: 0,
      head: null,
      firstBroken: null,
    });
  });

  test.each([
    ['the correlation id', sql`correlation_id = 'forged'`],
    ['the envelope', sql`envelope = jsonb_set(envelope, '{payload,changes,title}', '"forged"')`],
    ['the occurred time', sql`occurred_at = occurred_at + interval '1 millisecond'`],
    ['the event type', sql`event_type = 'task.deleted'`],
  ])('changing %s of a row breaks that row', async (_what, assignment) => {
    const { user, sent } = await chainOf(4);
    await tamper(sql`update audit.events set ${assignment} where user_id = ${user} and seq = 2`);
    const report = await verifyChain(db.db, user, { pageSize: 2 });
    expect(report).toMatchObject({
      ok: false,
      rowsChecked: 1,
      firstBroken: { seq: 2, eventId: sent[1]!.event_id, reason: 'hash_mismatch' },
    });
  });

  test('a changed row given a fresh hash breaks the link to the next row', async () => {
    const { user, sent } = await chainOf(4);
    const [row] = await db.db.select().from(events).where(at(user, 2));
    const forged = { ...row!, correlationId: 'forged' };
    const hash = rowHash(forged.prevHash, forged);
    await tamper(
      sql`update audit.events set correlation_id = 'forged', hash = ${hash} where user_id = ${user} and seq = 2`,
    );
    expect((await verifyChain(db.db, user)).firstBroken).toMatchObject({
      seq: 3,
      eventId: sent[2]!.event_id,
      reason: 'prev_hash_mismatch',
    });
  });

  test('a row removed from the middle leaves a gap', async () => {
    const { user } = await chainOf(4);
    await tamper(sql`delete from audit.events where user_id = ${user} and seq = 2`);
    expect((await verifyChain(db.db, user)).firstBroken).toMatchObject({ seq: 3, reason: 'seq_gap' });
  });

  test('rows removed from the end no longer match the chain head', async () => {
    const { user, sent } = await chainOf(4);
    await tamper(sql`delete from audit.events where user_id = ${user} and seq >= 3`);
    expect(await verifyChain(db.db, user)).toMatchObject({
      ok: false,
      rowsChecked: 2,
      firstBroken: { seq: 2, eventId: sent[1]!.event_id, reason: 'head_mismatch' },
    });
  });

  test('the trigger is on again after each tampering test', async () => {
    const { user } = await chainOf(1);
    const remove = async () => db.db.execute(sql`delete from audit.events where user_id = ${user}`);
    await expect(remove()).rejects.toThrow();
  });
});
