import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import type { AnyEvent } from '@tasktide/events';
import { sql } from 'drizzle-orm';
import { appendEvent } from '../chain/append.ts';
import { createTestAudit, type TestAudit, testEvent } from '../testing.ts';

describe.each(dbKinds())('the audit log API (%s)', (kind) => {
  let audit: TestAudit;
  const alice = { id: crypto.randomUUID(), token: '' };
  const bob = { id: crypto.randomUUID(), token: '' };
  const taskA = crypto.randomUUID();
  const taskB = crypto.randomUUID();
  let aliceEvents: AnyEvent[];

  beforeAll(async () => {
    audit = await createTestAudit(kind);
    alice.token = await audit.tokenFor(alice.id);
    bob.token = await audit.tokenFor(bob.id);
    aliceEvents = [
      testEvent('task.created', alice.id, taskA),
      testEvent('task.updated', alice.id, taskA),
      testEvent('task.created', alice.id, taskB),
      testEvent('task.completed', alice.id, taskA),
      testEvent('reminder.due', alice.id, taskB),
      testEvent('task.deleted', alice.id, taskB),
    ];
    for (const e of aliceEvents) await appendEvent(audit.db.db, e);
    await appendEvent(audit.db.db, testEvent('task.created', bob.id, crypto.randomUUID()));
  }, 60_000);
  afterAll(async () => {
    await audit.close();
  });

  const list = (query: string, token = alice.token) => audit.call('GET', `/api/v1/audit/events${query}`, { token });
  const ids = (body: { items: { event_id: string }[] }) => body.items.map((i) => i.event_id);

  test('lists the caller’s events newest first, each with its chain fields', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(aliceEvents.map((e) => e.event_id).reverse());
    expect(res.body.next_cursor).toBeNull();
    const first = res.body.items.at(-1);
    expect(first).toMatchObject({
      seq: 1,
      event_type: 'task.created',
      user_id: alice.id,
      task_id: taskA,
      correlation_id: aliceEvents[0]!.correlation_id,
      occurred_at: new Date(aliceEvents[0]!.timestamp).toISOString(),
      envelope: aliceEvents[0],
      prev_hash: '0'.repeat(64),
    });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ['by task', `?task_id=${taskA}`, [0, 1, 3]],
    ['by type', '?type=task.created', [0, 2]],
    ['by task and type', `?task_id=${taskB}&type=reminder.due`, [4]],
    ['oldest first', '?order=asc&type=task.created', [2, 0].reverse()],
  ])('filters %s', async (_name, query, expected) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    const want = expected.map((i) => aliceEvents[i]!.event_id);
    expect(ids(res.body)).toEqual(query.includes('order=asc') ? want : want.reverse());
  });

  test('filters by time: from inclusive, to exclusive', async () => {
    const times = aliceEvents.map((e) => new Date(e.timestamp).toISOString());
    const from = encodeURIComponent(times[0]!);
    const res = await list(`?from=${from}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(ids(res.body)).toHaveLength(6);
    const none = await list(`?to=${from}`);
    expect(none.body.items).toEqual([]);
  });

  test.each(['desc', 'asc'])('cursor pages (%s) walk every row once, in a stable order', async (order) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?order=${order}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...res.body.items.map((i: { seq: number }) => i.seq));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(order === 'asc' ? [1, 2, 3, 4, 5, 6] : [6, 5, 4, 3, 2, 1]);
  });

  test('a page cursor keeps working while new events arrive', async () => {
    const user = { id: crypto.randomUUID(), token: '' };
    user.token = await audit.tokenFor(user.id);
    for (let i = 0; i < 3; i++) await appendEvent(audit.db.db, testEvent('task.created', user.id));
    const first = await list('?limit=2', user.token);
    await appendEvent(audit.db.db, testEvent('task.created', user.id));
    const second = await list(`?limit=2&cursor=${first.body.next_cursor}`, user.token);
    expect([...first.body.items, ...second.body.items].map((i: { seq: number }) => i.seq)).toEqual([3, 2, 1]);
  });

  const descCursor = Buffer.from(JSON.stringify({ o: 'desc', s: 3 })).toString('base64url');
  test.each([
    ['a task id that is not a uuid', '?task_id=42', '/task_id'],
    ['an unknown event type', '?type=task.exploded', '/type'],
    ['a from that is not a date-time', '?from=yesterday', '/from'],
    ['a to that is not a date-time', '?to=2026-13-01', '/to'],
    ['from after to', '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/to'],
    ['from equal to to', '?from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z', '/to'],
    ['a limit of 0', '?limit=0', '/limit'],
    ['a limit over 100', '?limit=101', '/limit'],
    ['a limit that is not a number', '?limit=ten', '/limit'],
    ['an unknown order', '?order=random', '/order'],
    ['a cursor that is not ours', '?cursor=bm90LWEtY3Vyc29y', '/cursor'],
    ['a cursor made for the other order', `?order=asc&cursor=${descCursor}`, '/cursor'],
    ['a negative cursor position', `?cursor=${Buffer.from('{"o":"desc","s":-1}').toString('base64url')}`, '/cursor'],
    ['an overlong cursor', `?cursor=${'a'.repeat(201)}`, '/cursor'],
  ])('rejects %s with problem+json', async (_name, query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'validation_failed', status: 400, instance: '/api/v1/audit/events' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  describe('isolation: a user only ever sees their own rows', () => {
    test('another user’s list holds none of them, even filtered by their task id', async () => {
      const res = await list('', bob.token);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0].user_id).toBe(bob.id);
      expect((await list(`?task_id=${taskA}`, bob.token)).body.items).toEqual([]);
    });
    test('a cursor from another user’s page does not reveal their rows', async () => {
      const aliceCursor = (await list('?limit=1')).body.next_cursor;
      const res = await list(`?cursor=${aliceCursor}`, bob.token);
      expect(res.body.items.every((i: { user_id: string }) => i.user_id === bob.id)).toBe(true);
    });
    test('verify reports on the caller’s chain only', async () => {
      expect((await audit.call('GET', '/api/v1/audit/verify', { token: bob.token })).body).toMatchObject({
        ok: true,
        rows_checked: 1,
      });
    });
  });

  describe('authentication', () => {
    test.each([
      ['no Authorization header', undefined],
      ['a JWT signed with another key', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
      ['an unknown API token', 'tt_unknown'],
    ])('%s gets 401 problem+json, whatever the query', async (_name, token) => {
      for (const path of ['/api/v1/audit/events?limit=0', '/api/v1/audit/verify']) {
        const res = await audit.call('GET', path, { token });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.code).toBe('unauthenticated');
      }
    });
    test('a personal API token is resolved by the api over service invocation', async () => {
      audit.apiTokens.set('tt_alice_token', alice.id);
      const res = await list('?limit=1', 'tt_alice_token');
      expect(res.status).toBe(200);
      expect(res.body.items[0].user_id).toBe(alice.id);
    });
  });

  describe('verify', () => {
    test('an intact chain is ok, with its head', async () => {
      const res = await audit.call('GET', '/api/v1/audit/verify', { token: alice.token });
      expect(res.status).toBe(200);
      const last = (await list('?limit=1')).body.items[0];
      expect(res.body).toEqual({
        ok: true,
        rows_checked: 6,
        head: { seq: 6, hash: last.hash },
        first_broken: null,
      });
    });
    test('a tampered row is reported as the first broken one', async () => {
      const user = { id: crypto.randomUUID(), token: '' };
      user.token = await audit.tokenFor(user.id);
      const sent = [testEvent('task.created', user.id), testEvent('task.updated', user.id)];
      for (const e of sent) await appendEvent(audit.db.db, e);
      await audit.db.db.execute(sql`alter table audit.events disable trigger events_append_only`);
      await audit.db.db.execute(sql`update audit.events set task_id = null where user_id = ${user.id} and seq = 1`);
      await audit.db.db.execute(sql`alter table audit.events enable trigger events_append_only`);
      const res = await audit.call('GET', '/api/v1/audit/verify', { token: user.token });
      expect(res.body).toMatchObject({
        ok: false,
        rows_checked: 0,
        first_broken: { seq: 1, event_id: sent[0]!.event_id, reason: 'hash_mismatch' },
      });
    });
  });
});
