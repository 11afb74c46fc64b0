import type { Db } from '@tasktide/db';
import { and, eq, getTableColumns, gt, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import { type TaskRow, tasks } from '../db/schema.ts';
import { authorizeTask, projectsOf } from '../projects/access.ts';
import { toTaskDto } from './dto.ts';
import { invalid } from './invalid.ts';
import type { ListTasksQuery, TaskDto } from './model.ts';
import { textSearch } from './search.ts';
import {
  afterCursor,
  cursorValues,
  decodeCursor,
  encodeCursor,
  orderBy,
  outputOrder,
  parseSort,
  sortSpecOf,
} from './sort.ts';
import { normalizeTags } from './validate.ts';

// Every column but the two search columns, which only the database reads.
const { search: _search, searchText: _searchText, ...listed } = getTableColumns(tasks);

const isPriority = (p: string): p is TaskRow['priority'] => ['none', 'low', 'medium', 'high'].includes(p);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Repeated and comma-separated values of a multi-valued query parameter, trimmed and unique. */
const listParam = (values: string[] | undefined) => [
  ...new Set(
    (values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean),
  ),
];

/**
 * The projects a list reads: the user's own (active memberships — task.read is every role's, see
 * @tasktide/access), narrowed to `project_id` if given. Resolved before the statement is built so
 * that the statement names them: `project_id = …` lets each part walk an index in sort order,
 * where `project_id in (select … members …)` made Postgres gather and sort every matching task of
 * the user (search: ~10× the database CPU of the pre-projects `user_id = …`).
 */
export async function listedProjects(db: Db, userId: string, query: ListTasksQuery): Promise<string[]> {
  const requested = listParam(query.project_id);
  if (requested.length > 50) throw invalid('/project_id', 'at most 50 projects');
  for (const id of requested) if (!uuidPattern.test(id)) throw invalid('/project_id', 'must be project ids (uuid)');
  const mine = await projectsOf(db, userId);
  return requested.length ? mine.filter((id) => requested.includes(id)) : mine;
}

/** Up to this many projects, a priority-first page is one part per project and priority. */
const SPLIT_PROJECTS = 8;

/** `project_id` among `projectIds` (none: nothing matches). */
const inProjects = (projectIds: string[]): SQL =>
  projectIds.length === 0
    ? sql`false`
    : projectIds.length === 1
      ? eq(tasks.projectId, projectIds[0] as string)
      : inArray(tasks.projectId, projectIds);

/** The filters of a list query as SQL conditions, besides the projects (see `listedProjects`). */
function filters(userId: string, query: ListTasksQuery, now: Date): SQL[] {
  const where: SQL[] = [];
  if (query.assignee !== undefined) {
    const assignee = query.assignee.trim() === 'me' ? userId : query.assignee.trim();
    if (!uuidPattern.test(assignee)) throw invalid('/assignee', 'must be me or a user id');
    where.push(eq(tasks.assigneeId, assignee));
  }
  const status = query.status ?? 'all';
  if (status !== 'all') where.push(eq(tasks.status, status));
  const priorities = [...new Set((query.priority ?? []).map((p) => p.trim()).filter(Boolean))];
  for (const p of priorities) {
    if (!isPriority(p)) throw invalid('/priority', 'unknown priority; use none, low, medium or high');
  }
  if (priorities.length) where.push(inArray(tasks.priority, priorities as TaskRow['priority'][]));
  const tags = normalizeTags(query.tag ?? []);
  if (tags.length) {
    const arr = sql`array[${sql.join(
      tags.map((t) => sql`${t}`),
      sql`, `,
    )}]::text[]`;
    where.push(query.tags === 'all' ? sql`${tasks.tags} @> ${arr}` : sql`${tasks.tags} && ${arr}`);
  }
  if (query.due_before) where.push(lt(tasks.dueAt, new Date(query.due_before)));
  if (query.due_after) where.push(gt(tasks.dueAt, new Date(query.due_after)));
  if (query.overdue === true) where.push(eq(tasks.status, 'open'), lt(tasks.dueAt, now));
  if (query.overdue === false)
    where.push(
      sql`(${tasks.dueAt} is null or ${tasks.dueAt} >= ${now.toISOString()}::timestamptz or ${tasks.status} = 'completed')`,
    );
  if (query.recurring === true) where.push(isNotNull(tasks.recurrence));
  if (query.recurring === false) where.push(isNull(tasks.recurrence));
  if (query.series_id) where.push(eq(tasks.seriesId, query.series_id));
  return where;
}

const priorities: TaskRow['priority'][] = ['none', 'low', 'medium', 'high'];

/**
 * The SELECT of one page (built, not run: the search test EXPLAINs it).
 *
 * Relevance is computed only when the sort uses it: it is a trigram comparison per matching row,
 * which on a user with thousands of matches cost more than the rest of the query. When the sort
 * starts with priority, the page is the union of one page per priority (each `priority = …` with
 * the rest of the sort), ordered and cut again: each part can then walk an index in order and stop
 * after a page of matches (`priority in (…)` cannot, before PostgreSQL 17) instead of testing
 * every task of the user against the search. Same rows, same order: the first key sorts by
 * priority, so the page is made of the first rows of each priority's own order. For the same
 * reason each priority's part is split by project when the user reads a few.
 */
export function listStatement(db: Db, userId: string, projectIds: string[], query: ListTasksQuery, now = new Date()) {
  const search = textSearch(query.q);
  const terms = parseSort(query.sort, search);
  const where = filters(userId, query, now);
  if (search) where.push(search.where);
  if (query.cursor) where.push(afterCursor(terms, decodeCursor(query.cursor, terms), search));
  const limit = query.limit ? Number(query.limit) : 50;
  const ranked = search && terms.some((t) => t.key === 'relevance');
  const columns = { ...listed, rank: sql<number>`${ranked ? search.rank : sql`0::real`}`.as('rank') };
  const page = (conditions: SQL[]) =>
    db
      .select(columns)
      .from(tasks)
      .where(and(...conditions))
      .orderBy(...orderBy(terms, search))
      .limit(limit + 1);
  const scope = inProjects(projectIds);
  if (terms[0]?.key !== 'priority') return { statement: page([scope, ...where]), terms, limit };
  const wanted = [...new Set((query.priority ?? []).map((p) => p.trim()).filter(Boolean))] as TaskRow['priority'][];
  const scopes =
    projectIds.length > 1 && projectIds.length <= SPLIT_PROJECTS ? projectIds.map((id) => inProjects([id])) : [scope];
  const [first, second, ...rest] = (wanted.length ? wanted : priorities).flatMap((p) =>
    scopes.map((part) => page([part, ...where, eq(tasks.priority, p)])),
  );
  if (!first || !second) return { statement: page([scope, ...where]), terms, limit };
  const statement = unionAll(first, second, ...rest)
    .orderBy(...outputOrder(terms))
    .limit(limit + 1);
  return { statement, terms, limit };
}

/**
 * One page of a user's tasks: filters, text search (prefix + typo-tolerant, relevance order by
 * default), a multi-key sort and an opaque keyset cursor.
 */
export async function listTasks(db: Db, userId: string, query: ListTasksQuery, now = new Date()) {
  const projectIds = await listedProjects(db, userId, query);
  const { statement, terms, limit } = listStatement(db, userId, projectIds, query, now);
  const rows = await statement;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({ s: sortSpecOf(terms), v: cursorValues(terms, last), id: last.id })
      : null;
  return { items: page.map(toTaskDto) as TaskDto[], next_cursor: next };
}

export async function getTask(db: Db, userId: string, id: string): Promise<TaskDto> {
  const { task } = await authorizeTask(db, userId, id, 'task.read');
  return toTaskDto(task);
}
