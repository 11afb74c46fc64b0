import { describe, expect, test } from 'bun:test';
import { pgErrorCode, rowsOf } from '@tasktide/db';
import { dbKinds, useTestDb } from '@tasktide/db/testing';
import { asc, eq, sql } from 'drizzle-orm';
import { auditMigrations } from '../db/migrations.ts';
import { chainHeads, events } from '../db/schema.ts';
import { testEvent } from '../testing.ts';
import { appendEvent } from './append.ts';
import { GENESIS_HASH, rowHash } from './hash.ts';
import { verifyChain } from './verify.ts';

describe.each(dbKinds())('appending to the hash chain (%s)', (kind) => {
  const db = useTestDb(kind, { migrations: [auditMigrations] });
  const rowsOfUser = (userId: string) =>
    db.db.select().from(events).where(eq(events.userId, userId)).orderBy(asc(events.seq));

  test('each event becomes one row: seq from 1, prev_hash linked, every column filled from the envelope', async () => {
    const user = crypto.randomUUID();
    const task = crypto.randomUUID();
    const sent = [
      testEvent('task.created', user, task),
      testEvent('task.updated', user, task),
      testEvent('reminder.due', user, task),
      testEvent('notification.created', user, task, { task_id: null }),
    ];
    for (const e of sent) expect(await appendEvent(db.db, e)).toBe(true);
    const rows = await rowsOfUser(user);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    for (const [i, row] of rows.entries()) {
      const e = sent[i]!;
      expect(row).toMatchObject({
        eventId: e.event_id,
        eventType: e.event_type,
        userId: user,
        taskId: i === 3 ? null : task,
        correlationId: e.correlation_id,
        occurredAt: new Date(e.timestamp),
      });
      // The envelope survives the jsonb round trip exactly, so its hash can be recomputed.
      expect(row.envelope).toEqual(e);
      expect(row.hash).toBe(rowHash(row.prevHash, row));
      if (i > 0) expect(row.prevHash).toBe(rows[i - 1]!.hash);
    }
    const [head] = await db.db.select().from(chainHeads).where(eq(chainHeads.userId, user));
    expect(head).toMatchObject({ seq: 4, hash: rows[3]!.hash });
    const types = rowsOf<{ t: string }>(
      await db.db.execute(sql`select jsonb_typeof(envelope) as t from audit.events where user_id = ${user}`),
    );
    expect(types.map((r) => r.t)).toEqual(['object', 'object', 'object', 'object']);
  });

  test('an event delivered twice — also concurrently, as from task-events and task-updates — is stored once', async () => {
    const user = crypto.randomUUID();
    const e = testEvent('task.completed', user);
    const results = await Promise.all([appendEvent(db.db, e), appendEvent(db.db, e), appendEvent(db.db, e)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await appendEvent(db.db, e)).toBe(false);
    expect(await rowsOfUser(user)).toHaveLength(1);
  });

  test('without its ledger row (pruned), an old event is still recognised as stored, the chain untouched', async () => {
    const user = crypto.randomUUID();
    const e = testEvent('task.created', user);
    await appendEvent(db.db, e);
    await db.db.execute(sql`delete from audit.processed_events where event_id = ${e.event_id}`);
    expect(await appendEvent(db.db, e)).toBe(false);
    expect(await rowsOfUser(user)).toHaveLength(1);
    const [head] = await db.db.select().from(chainHeads).where(eq(chainHeads.userId, user));
    expect(head?.seq).toBe(1);
  });

  test('concurrent appends for one user serialize on the chain head: no fork, no gap', async () => {
    const user = crypto.randomUUID();
    const other = crypto.randomUUID();
    const batch = Array.from({ length: 40 }, (_, i) => testEvent('task.updated', i % 4 === 0 ? other : user));
    await Promise.all(batch.map((e) => appendEvent(db.db, e)));
    const rows = await rowsOfUser(user);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await verifyChain(db.db, user)).ok).toBe(true);
    expect(await verifyChain(db.db, other)).toMatchObject({ ok: true, rowsChecked: 10 });
  });

  describe('the log is append-only for every role, its owner included', () => {
    test.each([
      ['UPDATE', (user: string) => sql`update audit.events set correlation_id = 'forged' where user_id = ${user}`],
      ['DELETE', (user: string) => sql`delete from audit.events where user_id = ${user}`],
      ['TRUNCATE', (_user: string) => sql`truncate audit.events`],
    ])('%s through SQL is refused', async (op, statement) => {
      const user = crypto.randomUUID();
      await appendEvent(db.db, testEvent('task.created', user));
      let error: unknown;
      try {
        await db.db.execute(statement(user));
      } catch (err) {
        error = err;
      }
      expect(pgErrorCode(error)).toBe('42501');
      expect(String((error as { cause?: Error }).cause?.message ?? error)).toContain(`append-only: ${op} refused`);
      expect(await rowsOfUser(user)).toHaveLength(1);
      expect((await rowsOfUser(user))[0]?.correlationId).not.toBe('forged');
    });
  });
});
