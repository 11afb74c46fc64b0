import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { and, eq, getTableColumns, inArray, type SQL } from 'drizzle-orm';
import { apiMigrations } from '../db/migrations.ts';
import { projectMembers, projects, tasks, users } from '../db/schema.ts';
import { listTasks } from './list.ts';
import type { ListTasksQuery } from './model.ts';
import { textSearch } from './search.ts';
import { orderBy, parseSort } from './sort.ts';

// listStatement is tuned for the planner (relevance only when sorted by, one part per priority
// when priority sorts first). The rows and their order must stay what the plain query says: every
// matching row, ordered by the sort and the id, cut into pages. Compared page by page, through
// the cursors, over filter and sort combinations, on the same data.

const { search: _s, searchText: _t, ...listed } = getTableColumns(tasks);
const words = ['invoice', 'report', 'groceries', 'dentist', 'deploy', 'review', 'taxes', 'garden'];
const priorities = ['none', 'low', 'medium', 'high'] as const;

function seeded(userId: string, projectId: string, i: number) {
  return {
    id: Bun.randomUUIDv7(),
    userId,
    projectId,
    title: `${words[i % 8]} ${words[(i * 7) % 8]}${i % 11 ? '' : 'ing'} #${i % 40}`,
    description: i % 3 ? `notes about ${words[(i * 3) % 8]}` : '',
    priority: priorities[(i * 5) % 4] as (typeof priorities)[number],
    tags: [words[i % 5] as string, i % 2 ? 'work' : 'home'],
    // Few distinct due dates and some without one: ties are decided by the keys after.
    dueAt: i % 5 ? new Date(Date.UTC(2030, 0, 1) + (i % 9) * 86_400_000) : null,
    status: (i % 4 === 0 ? 'completed' : 'open') as 'open' | 'completed',
    timezone: 'UTC',
    createdAt: new Date(Date.UTC(2029, 0, 1) + (i % 13) * 3_600_000),
    updatedAt: new Date(Date.UTC(2029, 0, 1) + (i % 7) * 3_600_000),
  };
}

/** The plain query: every match, ordered by the sort (relevance computed for every row), no limit. */
async function reference(db: DbHandle, userId: string, query: ListTasksQuery): Promise<string[]> {
  const search = textSearch(query.q);
  const terms = parseSort(query.sort, !!search);
  const where: SQL[] = [eq(tasks.userId, userId)];
  if (query.status && query.status !== 'all') where.push(eq(tasks.status, query.status));
  if (query.priority?.length) where.push(inArray(tasks.priority, query.priority as (typeof priorities)[number][]));
  if (search) where.push(search.where);
  const rows = await db.db
    .select({ id: listed.id })
    .from(tasks)
    .where(and(...where))
    .orderBy(...orderBy(terms, search));
  return rows.map((r) => r.id);
}

async function paged(db: DbHandle, userId: string, query: ListTasksQuery, pages: number): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await listTasks(db.db, userId, { ...query, ...(cursor ? { cursor } : {}) });
    out.push(page.items.map((t) => t.id));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

const qs = [undefined, 'report', 'rep inv', 'invoce', 'garden', 'zzz'];
const statuses = [undefined, 'open', 'completed'] as const;
const priorityFilters = [undefined, ['high', 'medium'], ['low'], ['none', 'low', 'medium', 'high']];
const sorts = ['-priority,due_at', 'priority,-due_at', 'priority,title', '-priority,-relevance', 'due_at,-priority'];
const cases = qs.flatMap((q) =>
  [...sorts, undefined, q ? '-relevance' : '-created_at']
    .filter((sort) => q || !sort?.includes('relevance'))
    .map((sort) => ({ q, sort, name: `q=${q ?? '(none)'} sort=${sort ?? '(default)'}` })),
);

describe.each(dbKinds())('search results are those of the plain query, on %s', (kind) => {
  let db: DbHandle;
  const userId = Bun.randomUUIDv7();
  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.migrate(apiMigrations);
    const other = Bun.randomUUIDv7();
    for (const [id, n] of [
      [userId, 400],
      [other, 150],
    ] as const) {
      await db.db
        .insert(users)
        .values({ id, email: `${id}@x.local`, passwordHash: 'x', displayName: 'x', timezone: 'UTC' });
      // Each user's tasks in their own project (the list shows the tasks of the caller's projects).
      const projectId = Bun.randomUUIDv7();
      await db.db.insert(projects).values({ id: projectId, name: 'Inbox', isInbox: true, createdBy: id });
      await db.db.insert(projectMembers).values({ projectId, userId: id, role: 'admin' });
      await db.db.insert(tasks).values(Array.from({ length: n }, (_, i) => seeded(id, projectId, i)));
    }
  }, 120_000);
  afterAll(() => db.close());

  test.each(cases)('$name, every status and priority filter, paged', async ({ q, sort }) => {
    for (const status of statuses) {
      for (const priority of priorityFilters) {
        const query = {
          ...(q ? { q } : {}),
          ...(sort ? { sort } : {}),
          ...(status ? { status } : {}),
          ...(priority ? { priority } : {}),
        } as ListTasksQuery;
        const expected = await reference(db, userId, query);
        const pages = await paged(db, userId, { ...query, limit: '7' }, 3);
        const label = JSON.stringify(query);
        expect([label, pages.flat()]).toEqual([label, expected.slice(0, pages.flat().length)]);
        expect([label, pages.flat().length]).toEqual([label, Math.min(expected.length, 21)]);
        const [big] = await paged(db, userId, { ...query, limit: '100' }, 1);
        expect([label, big]).toEqual([label, expected.slice(0, 100)]);
      }
    }
  });
});
