import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApi, type TestApi } from '../../testing.ts';

const now = '2026-03-15T13:30:00Z';

// One database for the file: both endpoints are read-only apart from the create check.
let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await createTestApi('pglite');
  ({ token } = await api.signUp({ timezone: 'America/New_York' }));
}, 120_000);
afterAll(() => api.close());

describe('POST /api/v1/tasks/parse', () => {
  const parse = (body: unknown, auth: string | null = token) =>
    api.call('POST', '/api/v1/tasks/parse', { token: auth ?? undefined, body });

  test("reads dates in the account's zone when the request names none", async () => {
    const res = await parse({ text: 'pay rent every month on the 1st at 9am #bills !high', now });
    expect(res.status).toBe(200);
    expect(res.body.draft).toEqual({
      title: 'pay rent',
      priority: 'high',
      tags: ['bills'],
      due_at: '2026-04-01T09:00:00-04:00',
      timezone: 'America/New_York',
      reminders: [],
      recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1',
    });
    expect(res.body.recurrence_text).toBe('every month on the 1st');
  });

  test('+project names one of my projects: the draft carries its id and creates the task there', async () => {
    const project = await api.call('POST', '/api/v1/projects', { token, body: { name: 'Household' } });
    const res = await parse({ text: 'buy milk +household', now });
    expect(res.body.draft).toMatchObject({ title: 'buy milk', project_id: project.body.id });
    const created = await api.call('POST', '/api/v1/tasks', { token, body: res.body.draft });
    expect(created.status).toBe(201);
    expect(created.body.project_id).toBe(project.body.id);
  });

  test('the request may name the zone', async () => {
    const res = await parse({ text: 'call mom tomorrow 6pm', timezone: 'Europe/Berlin', now });
    expect(res.body.draft).toMatchObject({ due_at: '2026-03-16T18:00:00+01:00', timezone: 'Europe/Berlin' });
  });

  test('the draft is a valid create body: POSTing it makes the task', async () => {
    const { body } = await parse({ text: 'standup every weekday at 9:30 remind me 15 minutes before #work' });
    const created = await api.call('POST', '/api/v1/tasks', { token, body: body.draft });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'standup',
      tags: ['work'],
      reminders: [15],
      recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    });
  });

  test('nothing is saved', async () => {
    await parse({ text: 'unsaved thing tomorrow' });
    const list = await api.call('GET', '/api/v1/tasks?q=unsaved', { token });
    expect(list.body.items).toEqual([]);
  });

  test('anonymous callers get 401 problem+json', async () => {
    const res = await parse({ text: 'x' }, null);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  test.each([
    ['missing text', {}, '/text'],
    ['empty text', { text: '' }, '/text'],
    ['blank text', { text: '   ' }, '/text'],
    ['text over 1000 characters', { text: 'x'.repeat(1001) }, '/text'],
    ['unknown zone', { text: 'x', timezone: 'Mars/Olympus' }, '/timezone'],
    ['now not a date-time', { text: 'x', now: 'yesterday' }, '/now'],
  ])('%s → 400 naming %s', async (_name, body, field) => {
    const res = await parse(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('POST /api/v1/recurrence/preview', () => {
  const preview = (body: unknown) =>
    api.call('POST', '/api/v1/recurrence/preview', { token, body: { timezone: 'Europe/Berlin', ...(body as object) } });

  test('the next five due dates in the zone, across the DST change', async () => {
    const res = await preview({ recurrence: 'FREQ=WEEKLY;BYDAY=SU', due_at: '2026-03-15T09:00:00+01:00' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=SU',
      description: 'every week on Sunday',
      occurrences: [
        '2026-03-15T09:00:00+01:00',
        '2026-03-22T09:00:00+01:00',
        '2026-03-29T09:00:00+02:00',
        '2026-04-05T09:00:00+02:00',
        '2026-04-12T09:00:00+02:00',
      ],
    });
  });

  test('presets and count', async () => {
    const res = await preview({ recurrence: 'monthly', due_at: '2026-01-31T08:00:00Z', count: 3, timezone: 'UTC' });
    expect(res.body.occurrences).toEqual([
      '2026-01-31T08:00:00+00:00',
      '2026-02-28T08:00:00+00:00',
      '2026-03-31T08:00:00+00:00',
    ]);
  });

  test.each([
    ['a sub-daily rule', { recurrence: 'FREQ=HOURLY', due_at: '2026-03-15T09:00:00+01:00' }, '/recurrence'],
    ['a due date without offset', { recurrence: 'daily', due_at: '2026-03-15T09:00:00' }, '/due_at'],
    ['an unknown zone', { recurrence: 'daily', due_at: '2026-03-15T09:00:00Z', timezone: 'Nowhere/Land' }, '/timezone'],
    ['count 0', { recurrence: 'daily', due_at: '2026-03-15T09:00:00Z', count: 0 }, '/count'],
  ])('%s → 400 naming %s', async (_name, body, field) => {
    const res = await preview(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
