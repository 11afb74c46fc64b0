import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { createTestApi, type TestApi } from '../testing.ts';

const priorities = ['none', 'low', 'medium', 'high'] as const;

describe.each(dbKinds())('task search, filters, sort and cursor pages on %s', (kind) => {
  let api: TestApi;
  let token: string;
  const created: Array<{ title: string }> = [];

  beforeAll(async () => {
    api = await createTestApi(kind);
    token = (await api.signUp()).token;
    // 40 tasks with repeating priorities, some without due dates, some completed, duplicate titles.
    for (let i = 0; i < 40; i++) {
      const body: Record<string, unknown> = {
        title: `task ${String(i % 7).padStart(2, '0')}${i % 5 === 0 ? ' invoice' : ''}`,
        description: i % 4 === 0 ? 'quarterly report for the board' : '',
        priority: priorities[i % 4],
        tags: i % 3 === 0 ? ['work', 'urgent'] : i % 3 === 1 ? ['home'] : [],
      };
      if (i % 2 === 0) body.due_at = new Date(Date.UTC(2030, 0, 1 + (i % 10))).toISOString();
      if (i % 8 === 0) {
        body.due_at = '2020-01-01T00:00:00Z';
        body.recurrence = 'daily';
      }
      const res = await api.call('POST', '/api/v1/tasks', { token, body });
      if (i % 6 === 0) await api.call('POST', `/api/v1/tasks/${res.body.id}/complete`, { token });
      created.push(res.body);
    }
  }, 120_000);
  afterAll(() => api.close());

  const list = (qs: string) => api.call('GET', `/api/v1/tasks?${qs}`, { token });

  async function pageAll(qs: string, limit: number) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res = await list(`${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((t: { id: string }) => t.id));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    return ids;
  }

  test.each([
    'priority',
    '-priority,due_at',
    'due_at,-title',
    '-due_at',
    'title,-created_at',
    '-updated_at',
  ])('paging with sort=%s visits every task once, in the same order as one big page', async (sort) => {
    const whole = await list(`sort=${sort}&limit=100`);
    expect(whole.body.items).toHaveLength(40);
    const paged = await pageAll(`sort=${sort}`, 7);
    expect(paged).toEqual(whole.body.items.map((t: { id: string }) => t.id));
  });

  test('sorting is by the key, descending with -, nulls last', async () => {
    const res = await list('sort=-priority,due_at&limit=100');
    const items = res.body.items;
    const rank = (p: string) => priorities.indexOf(p as (typeof priorities)[number]);
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1], items[i]];
      expect(rank(a.priority)).toBeGreaterThanOrEqual(rank(b.priority));
      if (a.priority === b.priority && a.due_at === null) expect(b.due_at).toBeNull();
      if (a.priority === b.priority && a.due_at && b.due_at) expect(a.due_at <= b.due_at).toBe(true);
    }
  });

  test('full-text search matches title, description and tags', async () => {
    const byTitle = await list('q=invoice&limit=100');
    expect(byTitle.body.items.length).toBe(created.filter((t) => t.title.includes('invoice')).length);
    const byDescription = await list('q=quarterly&limit=100');
    expect(byDescription.body.items.length).toBe(10);
    const byTag = await list('q=urgent&limit=100');
    expect(byTag.body.items.length).toBe(14);
  });

  test('filters combine: status, priorities, tags any/all, due range, overdue, recurring', async () => {
    const count = async (qs: string) => (await list(`${qs}&limit=100`)).body.items.length;
    expect(await count('status=completed')).toBe(7);
    expect(await count('status=open')).toBe(33);
    expect(await count('priority=high,medium')).toBe(20);
    expect(await count('tag=work,home')).toBe(27);
    expect(await count('tag=work,home&tags=all')).toBe(0);
    expect(await count('tag=WORK&tags=all')).toBe(14);
    expect(await count('recurring=true')).toBe(5);
    const overdue = (await list('overdue=true&limit=100')).body.items;
    expect(overdue.length).toBeGreaterThan(0);
    for (const t of overdue) {
      expect(t.status).toBe('open');
      expect(new Date(t.due_at).getTime()).toBeLessThan(Date.now());
    }
    const ranged = (await list('due_after=2030-01-03T00:00:00Z&due_before=2030-01-06T00:00:00Z&limit=100')).body.items;
    for (const t of ranged) expect(t.due_at > '2030-01-03' && t.due_at < '2030-01-06').toBe(true);
    expect(ranged.length).toBeGreaterThan(0);
    const combined = (await list('q=task&priority=high&status=open&sort=title&limit=100')).body.items;
    for (const t of combined) expect(t).toMatchObject({ priority: 'high', status: 'open' });
  });

  test.each([
    ['unknown sort key', 'sort=colour', '/sort'],
    ['repeated sort key', 'sort=title,-title', '/sort'],
    ['unknown priority', 'priority=urgent', '/priority'],
    ['limit too large', 'limit=101', '/limit'],
    ['limit zero', 'limit=0', '/limit'],
    ['garbage cursor', 'cursor=bm9wZQ', '/cursor'],
    ['bad status', 'status=maybe', '/status'],
    ['bad date', 'due_before=yesterday', '/due_before'],
    ['a day that does not exist', 'due_after=2030-02-30T00:00:00Z', '/due_after'],
    ['a year JavaScript cannot hold', 'due_after=-271821-04-20T00:00:00Z', '/due_after'],
    ['an unknown priority among repeated ones', 'priority=high&priority=urgent', '/priority'],
  ])('rejects %s with a 400 problem', async (_name, qs, field) => {
    const res = await list(qs);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('multi-valued filters take the repeated and the comma-separated form alike', async () => {
    const ids = async (qs: string) =>
      (await list(`${qs}&limit=100&sort=title`)).body.items.map((t: { id: string }) => t.id);
    const repeated = await ids('priority=high&priority=medium');
    expect(repeated).toEqual(await ids('priority=high,medium'));
    expect(repeated).toEqual(await ids('priority=high&priority=medium,high'));
    const high = await ids('priority=high');
    expect(repeated.length).toBeGreaterThan(high.length);
    expect(await ids('tag=work&tag=home')).toEqual(await ids('tag=work,home'));
    expect(await ids('tag=work&tag=home&tags=all')).toEqual([]);
  });

  test('a cursor from one sort is refused under another', async () => {
    const first = await list('sort=title&limit=5');
    const res = await list(`sort=-title&limit=5&cursor=${first.body.next_cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('/cursor');
  });
});

// The list statement names up to eight projects one by one (a part per project when sorted by
// priority) and more as one array; each form is its own statement shape.
describe.each(dbKinds())('lists over many projects on %s', (kind) => {
  let api: TestApi;
  let token: string;
  const projectIds: string[] = [];
  const tasks: { id: string; project_id: string; priority: string; title: string }[] = [];

  beforeAll(async () => {
    api = await createTestApi(kind);
    token = (await api.signUp()).token;
    for (let p = 0; p < 10; p++) {
      const project = await api.call('POST', '/api/v1/projects', { token, body: { name: `project ${p}` } });
      expect(project.status).toBe(201);
      projectIds.push(project.body.id);
      for (let i = 0; i < 2; i++) {
        const body = { title: `p${p} t${i}`, priority: priorities[(p + i) % 4], project_id: project.body.id };
        const res = await api.call('POST', '/api/v1/tasks', { token, body });
        expect(res.status).toBe(201);
        tasks.push(res.body);
      }
    }
  }, 120_000);
  afterAll(() => api.close());

  const ids = async (qs: string) => {
    const res = await api.call('GET', `/api/v1/tasks?${qs}`, { token });
    expect(res.status).toBe(200);
    return res.body.items.map((t: { id: string }) => t.id) as string[];
  };
  const rank = (p: string) => priorities.indexOf(p as (typeof priorities)[number]);
  /** The expected order of `sort=-priority,title`, computed here. */
  const byPriorityThenTitle = (list: typeof tasks) =>
    [...list].sort((a, b) => rank(b.priority) - rank(a.priority) || a.title.localeCompare(b.title)).map((t) => t.id);

  test('every project of mine (more than eight, plus the Inbox) is listed, in order', async () => {
    expect(await ids('sort=-priority,title&limit=100')).toEqual(byPriorityThenTitle(tasks));
    expect((await ids('sort=title&limit=100')).sort()).toEqual(tasks.map((t) => t.id).sort());
  });

  test('a few named projects (one part per project and priority) page like one big page', async () => {
    const chosen = projectIds.slice(2, 5);
    const expected = byPriorityThenTitle(tasks.filter((t) => chosen.includes(t.project_id)));
    expect(await ids(`project_id=${chosen.join(',')}&sort=-priority,title&limit=100`)).toEqual(expected);
    const paged: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await api.call(
        'GET',
        `/api/v1/tasks?project_id=${chosen.join(',')}&sort=-priority,title&limit=4${cursor}`,
        { token },
      );
      paged.push(...res.body.items.map((t: { id: string }) => t.id));
      if (!res.body.next_cursor) break;
      cursor = `&cursor=${res.body.next_cursor}`;
    }
    expect(paged).toEqual(expected);
  });
});
