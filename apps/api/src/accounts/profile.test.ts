import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rowsOf, sql } from '@tasktide/db';
import { dbKinds } from '@tasktide/db/testing';
import { createTestApi, type TestApi } from '../testing.ts';

describe.each(dbKinds())('PATCH /me: display name and time zone (%s)', (kind) => {
  let api: TestApi;
  let user: Awaited<ReturnType<TestApi['signUp']>>;
  beforeAll(async () => {
    api = await createTestApi(kind);
    user = await api.signUp();
  }, 120_000);
  afterAll(() => api.close());

  const patch = (body: unknown, token = user.token) => api.call('PATCH', '/api/v1/me', { token, body });

  test('changes the zone and the name; new tasks default to the new zone, and the change is an event', async () => {
    const res = await patch({ display_name: '  Robin  ', timezone: 'America/New_York' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ display_name: 'Robin', timezone: 'America/New_York', id: user.userId });
    expect((await api.call('GET', '/api/v1/me', { token: user.token })).body.timezone).toBe('America/New_York');
    const task = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'zoned' } });
    expect(task.body.timezone).toBe('America/New_York');
    const events = rowsOf<{ envelope: { payload: { changes: Record<string, string> } } }>(
      await api.db.db.execute(
        sql`select envelope from api.outbox where event_type = 'user.updated' and partition_key = ${user.userId}`,
      ),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.envelope.payload.changes).toEqual({ display_name: 'Robin', timezone: 'America/New_York' });
  });

  test('an unchanged value writes no event', async () => {
    expect((await patch({ timezone: 'America/New_York' })).status).toBe(200);
    const [row] = rowsOf<{ n: number }>(
      await api.db.db.execute(
        sql`select count(*)::int as n from api.outbox where event_type = 'user.updated' and partition_key = ${user.userId}`,
      ),
    );
    expect(row?.n).toBe(1);
  });

  test.each([
    ['an unknown zone', { timezone: 'Mars/Olympus' }, '/timezone'],
    ['a blank name', { display_name: '   ' }, '/display_name'],
    ['an empty name', { display_name: '' }, '/display_name'],
    ['an overlong name', { display_name: 'x'.repeat(101) }, '/display_name'],
    ['only an unknown field', { email: 'x@example.com' }, '"/"'],
  ])('rejects %s with problem+json naming the field', async (_name, body, field) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(res.body.errors ?? [])).toContain(field.startsWith('"') ? field : `"${field}"`);
  });

  test('an empty body is a 400; no token is a 401', async () => {
    expect((await patch({})).status).toBe(400);
    const anon = await api.call('PATCH', '/api/v1/me', { body: { display_name: 'x' } });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toBe('application/problem+json');
  });
});
