import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Db, queryRows } from '@tasktide/db';
import { dbKinds } from '@tasktide/db/testing';
import { sql } from 'drizzle-orm';
import { projectsOf } from '../projects/access.ts';
import { createTestApi, type TestApi } from '../testing.ts';
import { listStatement } from './list.ts';

const titles = [
  'Pay rental invoice',
  'Renew passport',
  'Quarterly report for the board',
  'Water the plants',
  'Call the plumber about the bill',
  'Invoice the client for November',
];

/** The plan of a statement with its values, as one line per plan node. */
async function explain(db: Db, query: { sql: string; params: unknown[] }): Promise<string> {
  const rows = await queryRows<Record<string, string>>(db, `explain ${query.sql}`, query.params);
  return rows.map((r) => Object.values(r)[0]).join('\n');
}

describe.each(dbKinds())('task search as you type on %s', (kind) => {
  let api: TestApi;
  let token: string;
  let userId: string;
  beforeAll(async () => {
    api = await createTestApi(kind);
    ({ token, userId } = await api.signUp());
    for (const title of titles) {
      const res = await api.call('POST', '/api/v1/tasks', { token, body: { title, tags: ['bills'] } });
      expect(res.status).toBe(201);
    }
  }, 120_000);
  afterAll(() => api.close());

  const search = async (qs: string) => {
    const res = await api.call('GET', `/api/v1/tasks?${qs}`, { token });
    expect(res.status).toBe(200);
    return res.body.items.map((t: { title: string }) => t.title) as string[];
  };

  test.each([
    ['rent', ['Pay rental invoice']],
    ['inv', ['Invoice the client for November', 'Pay rental invoice']],
    ['bill', ['Call the plumber about the bill']],
    ['pay inv', ['Pay rental invoice']],
    ['REN', ['Pay rental invoice', 'Renew passport']],
  ])('q=%s finds every task with a word starting so (as-you-type)', async (q, expected) => {
    expect((await search(`q=${encodeURIComponent(q)}&sort=title`)).filter((t) => expected.includes(t)).sort()).toEqual(
      [...expected].sort(),
    );
    for (const t of expected) expect(await search(`q=${encodeURIComponent(q)}`)).toContain(t);
  });

  test.each([
    ['invoce', 'Pay rental invoice'],
    ['quartely', 'Quarterly report for the board'],
    ['plumbr', 'Call the plumber about the bill'],
    ['ental', 'Pay rental invoice'],
  ])('q=%s tolerates a typo or a word middle and still finds %s', async (q, title) => {
    expect(await search(`q=${q}`)).toContain(title);
  });

  test('without a sort, results come best match first; an explicit sort wins', async () => {
    const ranked = await search('q=invoice');
    expect(ranked.slice(0, 2).sort()).toEqual(['Invoice the client for November', 'Pay rental invoice']);
    expect(await search('q=invoice&sort=title')).toEqual([...ranked].sort((a, b) => (a < b ? -1 : 1)));
  });

  test('relevance pages visit every match once, in the order of one big page', async () => {
    const all = await search('q=the&limit=100');
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call('GET', `/api/v1/tasks?q=the&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token });
      paged.push(...res.body.items.map((t: { title: string }) => t.title));
      cursor = res.body.next_cursor;
    } while (cursor && paged.length < 50);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThan(2);
  });

  test.each([
    ['200 dashes', '-'.repeat(200)],
    ['tsquery syntax', "rent:* & !inv | ('"],
    ['only punctuation and spaces', ' !?  ,, '],
  ])('q made of %s is not an error', async (_name, q) => {
    const res = await api.call('GET', `/api/v1/tasks?q=${encodeURIComponent(q)}`, { token });
    expect(res.status).toBe(200);
  });

  test('relevance needs a search: sort=relevance without q is a 400 naming /sort', async () => {
    const res = await api.call('GET', '/api/v1/tasks?sort=relevance', { token });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('/sort');
  });

  test("the search is index-backed: EXPLAIN shows no sequential scan of the user's tasks", async () => {
    // Enough rows, for this user and another, that a plan without the indexes would scan.
    await api.db.db.execute(sql`
      insert into api.tasks (id, user_id, project_id, title, timezone)
      select gen_random_uuid(), ${userId}::uuid, p.id, 'chore number ' || g || ' ' || md5(g::text), 'UTC'
      from generate_series(1, 5000) g, api.projects p where p.created_by = ${userId}::uuid and p.is_inbox`);
    const other = await api.signUp();
    await api.db.db.execute(sql`
      insert into api.tasks (id, user_id, project_id, title, timezone)
      select gen_random_uuid(), ${other.userId}::uuid, p.id, 'errand ' || md5(g::text), 'UTC'
      from generate_series(1, 5000) g, api.projects p where p.created_by = ${other.userId}::uuid and p.is_inbox`);
    // What autovacuum does in a running database: statistics, and the GIN pending lists merged
    // (until then the planner prices every pending entry and rightly prefers the user index).
    await api.db.db.execute(sql`vacuum analyze api.tasks`);
    for (const q of ['rent', 'invoce', 'pay inv']) {
      const { query } = listStatement(api.db.db, userId, await projectsOf(api.db.db, userId), { q });
      const plan = await explain(api.db.db, query);
      expect(plan).not.toContain('Seq Scan');
      expect(plan).toMatch(/tasks_search_idx|tasks_search_trgm_idx/);
    }
    // bench:api's search, sorted by priority then due date: each priority's part walks the
    // project's (status, priority, due) index in order and stops after a page.
    const { query } = listStatement(api.db.db, userId, await projectsOf(api.db.db, userId), {
      q: 'chore',
      status: 'open',
      priority: ['high', 'medium'],
      sort: '-priority,due_at',
    });
    const plan = await explain(api.db.db, query);
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toContain('tasks_project_status_priority_due_idx');
  });
});
