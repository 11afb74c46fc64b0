import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { createTestApi, type TestApi } from '../testing.ts';

const due = '2030-03-01T09:00:00+01:00';

describe.each(dbKinds())('tasks CRUD on %s', (kind) => {
  let api: TestApi;
  let user: Awaited<ReturnType<TestApi['signUp']>>;
  beforeAll(async () => {
    api = await createTestApi(kind);
    user = await api.signUp();
  }, 120_000);
  afterAll(() => api.close());
  const create = (body: Record<string, unknown>, token = user.token, headers: Record<string, string> = {}) =>
    api.call('POST', '/api/v1/tasks', { token, body, headers });

  test('create stores normalised fields, defaults the zone to the user and answers 201 + Location + ETag', async () => {
    const res = await create({
      title: '  Pay rent ',
      tags: ['Bills', 'bills', 'HOME'],
      due_at: due,
      reminders: [60, 1440],
      priority: 'high',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Pay rent',
      tags: ['bills', 'home'],
      due_at: '2030-03-01T08:00:00.000Z',
      timezone: 'Europe/Berlin',
      reminders: [1440, 60],
      priority: 'high',
      status: 'open',
      version: 1,
    });
    expect(res.headers.get('location')).toBe(`/api/v1/tasks/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
  });

  test('a recurring task gets a canonical rule and starts its own series', async () => {
    const res = await create({ title: 'Standup', due_at: due, recurrence: 'weekly' });
    expect(res.status).toBe(201);
    expect(res.body.recurrence).toStartWith('RRULE:FREQ=WEEKLY');
    expect(res.body.series_id).toBe(res.body.id);
  });

  const long = (n: number) => 'x'.repeat(n);
  test.each([
    ['missing title', { title: undefined }, '/title'],
    ['blank title', { title: '   ' }, '/title'],
    ['title over 500', { title: long(501) }, '/title'],
    ['description over 10k', { title: 't', description: long(10_001) }, '/description'],
    ['unknown priority', { title: 't', priority: 'urgent' }, '/priority'],
    ['21 tags', { title: 't', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, '/tags'],
    ['tag over 50 chars', { title: 't', tags: [long(51)] }, '/tags/0'],
    ['tag with a space', { title: 't', tags: ['two words'] }, '/tags/0'],
    ['due_at without offset', { title: 't', due_at: '2030-03-01T09:00:00' }, '/due_at'],
    ['due_at not a date', { title: 't', due_at: 'tomorrow' }, '/due_at'],
    ['due_at on 30 February', { title: 't', due_at: '2030-02-30T09:00:00Z' }, '/due_at'],
    ['due_at on 31 April', { title: 't', due_at: '2030-04-31T09:00:00+02:00' }, '/due_at'],
    ['due_at on 29 February of a common year', { title: 't', due_at: '2031-02-29T09:00:00Z' }, '/due_at'],
    ['due_at at hour 24', { title: 't', due_at: '2030-03-01T24:00:00Z' }, '/due_at'],
    ['due_at beyond year 9999', { title: 't', due_at: '+010000-01-01T00:00:00.000Z' }, '/due_at'],
    ['due_at before 1900', { title: 't', due_at: '0031-12-31T23:59:59.999Z' }, '/due_at'],
    ['unknown time zone', { title: 't', due_at: due, timezone: 'Europe/Atlantis' }, '/timezone'],
    ['reminders without due date', { title: 't', reminders: [60] }, '/reminders'],
    ['11 reminders', { title: 't', due_at: due, reminders: Array.from({ length: 11 }, (_, i) => i) }, '/reminders'],
    ['negative reminder', { title: 't', due_at: due, reminders: [-5] }, '/reminders/0'],
    ['recurrence without due date', { title: 't', recurrence: 'daily' }, '/recurrence'],
    ['invalid recurrence', { title: 't', due_at: due, recurrence: 'FREQ=SOMETIMES' }, '/recurrence'],
  ])('create rejects %s (400 naming %s)', async (_name, body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('every task route needs authentication', async () => {
    const id = crypto.randomUUID();
    for (const [method, path] of [
      ['GET', '/api/v1/tasks'],
      ['POST', '/api/v1/tasks'],
      ['GET', `/api/v1/tasks/${id}`],
      ['PATCH', `/api/v1/tasks/${id}`],
      ['DELETE', `/api/v1/tasks/${id}`],
      ['POST', `/api/v1/tasks/${id}/complete`],
      ['POST', `/api/v1/tasks/${id}/reopen`],
    ] as const) {
      const res = await api.call(method, path, method === 'POST' || method === 'PATCH' ? { body: { title: 'x' } } : {});
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  test("another user's task is a 404 on every route, and stays unchanged", async () => {
    const mine = await create({ title: 'private' });
    const other = await api.signUp();
    const id = mine.body.id;
    const attempts = [
      api.call('GET', `/api/v1/tasks/${id}`, { token: other.token }),
      api.call('PATCH', `/api/v1/tasks/${id}`, { token: other.token, body: { title: 'pwned' } }),
      api.call('POST', `/api/v1/tasks/${id}/complete`, { token: other.token }),
      api.call('POST', `/api/v1/tasks/${id}/reopen`, { token: other.token }),
      api.call('DELETE', `/api/v1/tasks/${id}`, { token: other.token }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    const list = await api.call('GET', '/api/v1/tasks', { token: other.token });
    expect(list.body.items).toHaveLength(0);
    const still = await api.call('GET', `/api/v1/tasks/${id}`, { token: user.token });
    expect(still.body).toMatchObject({ title: 'private', status: 'open', version: 1 });
  });

  test('non-uuid ids are a 400 problem, unknown ids a 404', async () => {
    expect((await api.call('GET', '/api/v1/tasks/not-a-uuid', { token: user.token })).status).toBe(400);
    expect((await api.call('GET', `/api/v1/tasks/${crypto.randomUUID()}`, { token: user.token })).status).toBe(404);
  });

  test('PATCH changes fields, bumps the version, and If-Match guards against lost updates', async () => {
    const { body: task } = await create({ title: 'draft' });
    const ok = await api.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: user.token,
      body: { title: 'final' },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'final', version: 2 });
    const stale = await api.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: user.token,
      body: { title: 'stale' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    const bad = await api.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: user.token,
      body: { title: 'x' },
      headers: { 'if-match': 'banana' },
    });
    expect(bad.status).toBe(400);
    expect((await api.call('GET', `/api/v1/tasks/${task.id}`, { token: user.token })).body.title).toBe('final');
  });

  test('PATCH validates the merged task (reminders need a due date) and rejects an empty body', async () => {
    const { body: task } = await create({ title: 'with due', due_at: due, reminders: [30] });
    const res = await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { due_at: null } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('/reminders');
    const cleared = await api.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: user.token,
      body: { due_at: null, reminders: [] },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.due_at).toBeNull();
    expect((await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: {} })).status).toBe(400);
  });

  test('complete and reopen flip status, are idempotent, and honour If-Match', async () => {
    const { body: task } = await create({ title: 'do it' });
    const done = await api.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.completed_at).toBeString();
    const again = await api.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    expect(again.body.version).toBe(done.body.version);
    const stale = await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, {
      token: user.token,
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(412);
    const reopened = await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    expect(reopened.body).toMatchObject({ status: 'open', completed_at: null });
  });

  test('delete removes the task; scope=series removes the open future and keeps completed history', async () => {
    const { body: single } = await create({ title: 'gone' });
    expect((await api.call('DELETE', `/api/v1/tasks/${single.id}`, { token: user.token })).status).toBe(204);
    expect((await api.call('GET', `/api/v1/tasks/${single.id}`, { token: user.token })).status).toBe(404);

    const { body: first } = await create({ title: 'series', due_at: due, recurrence: 'daily' });
    await api.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: user.token });
    const { body: open } = await create({ title: 'unrelated open' });
    const del = await api.call('DELETE', `/api/v1/tasks/${first.id}?scope=series`, { token: user.token });
    expect(del.status).toBe(204);
    expect((await api.call('GET', `/api/v1/tasks/${open.id}`, { token: user.token })).status).toBe(200);
    expect((await api.call('DELETE', `/api/v1/tasks/${open.id}?scope=everything`, { token: user.token })).status).toBe(
      400,
    );
  });

  test('Idempotency-Key: same key + body replays the first response; different body is 422', async () => {
    const headers = { 'idempotency-key': `k-${crypto.randomUUID()}` };
    const first = await create({ title: 'once' }, user.token, headers);
    const replay = await create({ title: 'once' }, user.token, headers);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const list = await api.call('GET', '/api/v1/tasks?q=once', { token: user.token });
    expect(list.body.items).toHaveLength(1);
    const mismatch = await create({ title: 'twice' }, user.token, headers);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('idempotency_key_reused');
  });

  test('Idempotency-Key: concurrent duplicates create exactly one task', async () => {
    const headers = { 'idempotency-key': `race-${crypto.randomUUID()}` };
    const results = await Promise.all(Array.from({ length: 5 }, () => create({ title: 'raced' }, user.token, headers)));
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const list = await api.call('GET', '/api/v1/tasks?q=raced', { token: user.token });
    expect(list.body.items).toHaveLength(1);
  });

  test('Idempotency-Key is scoped per user and a failed request can be retried with the same key', async () => {
    const key = `shared-${crypto.randomUUID()}`;
    const other = await api.signUp();
    const a = await create({ title: 'mine' }, user.token, { 'idempotency-key': key });
    const b = await create({ title: 'mine' }, other.token, { 'idempotency-key': key });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    const k2 = `retry-${crypto.randomUUID()}`;
    expect((await create({ title: 't', due_at: 'nope' }, user.token, { 'idempotency-key': k2 })).status).toBe(400);
    expect((await create({ title: 't' }, user.token, { 'idempotency-key': k2 })).status).toBe(201);
  });
});
