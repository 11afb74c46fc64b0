import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import ICAL from 'ical.js';
import { createTestApi, type TestApi } from '../testing.ts';
import { parseFeed } from './testing.ts';

describe.each(dbKinds())('the calendar feed (%s)', (kind) => {
  let api: TestApi;
  let ada: Awaited<ReturnType<TestApi['signUp']>>;
  beforeAll(async () => {
    api = await createTestApi(kind);
    ada = await api.signUp({ display_name: 'Ada' });
  }, 120_000);
  afterAll(() => api.close());

  const call = (method: string, path: string, token: string | null = ada.token, body?: unknown) =>
    api.call(method, `/api/v1${path}`, { token: token ?? undefined, body });
  const fetchFeed = async (path: string) => {
    const res = await api.app.handle(new Request(`http://localhost${path}`));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  test('none at first; created once with its URL, then only described', async () => {
    expect((await call('GET', '/calendar/feed')).body).toEqual({ active: false, prefix: null, created_at: null });
    const created = await call('POST', '/calendar/feed');
    expect(created.status).toBe(201);
    expect(created.body.path).toMatch(/^\/api\/v1\/calendar\/ttc_[A-Za-z0-9_-]{43}\.ics$/);
    expect(created.body.url).toBe(`http://localhost${created.body.path}`);
    const described = await call('GET', '/calendar/feed');
    expect(described.body).toMatchObject({ active: true, prefix: created.body.prefix });
    expect(JSON.stringify(described.body)).not.toContain(created.body.path.slice(20));
  });

  test('lists open tasks with a due time — recurring as one event with RRULE and zone, reminders as alarms', async () => {
    const due = '2030-03-04T09:00:00+01:00';
    const rent = await call('POST', '/tasks', ada.token, {
      title: 'pay rent',
      due_at: due,
      recurrence: 'monthly',
      reminders: [1440, 60],
      timezone: 'Europe/Berlin',
      tags: ['bills'],
      priority: 'high',
    });
    await call('POST', '/tasks', ada.token, { title: 'no due date' });
    const done = await call('POST', '/tasks', ada.token, { title: 'done already', due_at: due });
    await call('POST', `/tasks/${done.body.id}/complete`);
    const path = (await call('POST', '/calendar/feed')).body.path;
    const feed = await fetchFeed(path);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe('text/calendar; charset=utf-8');
    const calendar = parseFeed(feed.text);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('tasktide — Ada');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toEqual(['pay rent']);
    const [event] = events as [ICAL.Event];
    expect(event.uid).toBe(`${rent.body.series_id}@tasktide`);
    expect(event.startDate.zone?.tzid).toBe('Europe/Berlin');
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(due).toISOString());
    expect(String(event.component.getFirstPropertyValue('rrule'))).toBe('FREQ=MONTHLY');
    expect(event.component.getAllSubcomponents('valarm')).toHaveLength(2);
  });

  test('another user’s tasks never appear in the feed', async () => {
    const bob = await api.signUp();
    await call('POST', '/tasks', bob.token, { title: 'bob only', due_at: '2030-01-01T09:00:00Z' });
    const path = (await call('POST', '/calendar/feed', bob.token)).body.path;
    const text = (await fetchFeed(path)).text;
    expect(text).toContain('SUMMARY:bob only');
    expect(text).not.toContain('pay rent');
  });

  test('creating a new URL revokes the old one; revoking ends the feed; both answer 404 problem+json', async () => {
    const first = (await call('POST', '/calendar/feed')).body.path;
    const second = (await call('POST', '/calendar/feed')).body.path;
    expect((await fetchFeed(first)).status).toBe(404);
    expect((await fetchFeed(second)).status).toBe(200);
    expect((await call('DELETE', '/calendar/feed')).status).toBe(204);
    const gone = await fetchFeed(second);
    expect(gone.status).toBe(404);
    expect(gone.type).toBe('application/problem+json');
    expect((await call('DELETE', '/calendar/feed')).status).toBe(404);
    expect((await call('GET', '/calendar/feed')).body.active).toBe(false);
  });

  test.each([
    ['not a feed token', '/api/v1/calendar/hello.ics', 400],
    ['a token without .ics', `/api/v1/calendar/ttc_${'a'.repeat(43)}`, 400],
    ['an unknown token', `/api/v1/calendar/ttc_${'a'.repeat(43)}.ics`, 404],
  ])('%s is a problem, never a calendar', async (_name, path, status) => {
    const res = await fetchFeed(path);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
  });

  test('managing the feed needs a token', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      expect((await call(method, '/calendar/feed', null)).status).toBe(401);
    }
  });
});
