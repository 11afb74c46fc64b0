import { type Db, queryRows } from '@tasktide/db';
import { and, eq, fillPlaceholders, inArray, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import { type TaskRow, tasks } from '../db/schema.ts';
import { authorizeTask, projectsOf } from '../projects/access.ts';
import { type ListedRow, listedColumns, listedTaskDto, toTaskDto } from './dto.ts';
import { invalid } from './invalid.ts';
import type { ListTasksQuery, TaskDto } from './model.ts';
import { searchSql, searchTerms } from './search.ts';
import {
  afterCursor,
  cursorValues,
  decodeCursor,
  encodeCursor,
  orderBy,
  outputOrder,
  parseSort,
  type SortTerm,
  sortSpecOf,
} from './sort.ts';
import { normalizeTags } from './validate.ts';

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

const priorities: TaskRow['priority'][] = ['none', 'low', 'medium', 'high'];

/**
 * What a list statement depends on besides its values. The statement is built (drizzle) once per
 * shape with placeholders and prepared once per connection; a request only computes its values.
 * Building it per request was the largest part of a search's CPU in the api (bench:api profile).
 */
interface Shape {
  /** 0: none; 1..SPLIT_PROJECTS: one placeholder each; more: one array (`= any(…)`). */
  projects: number | 'many';
  assignee: boolean;
  status: boolean;
  /** How many `priority` values filter (they also name the parts of a priority-first page). */
  priorities: number;
  tags: 'none' | 'any' | 'all';
  dueBefore: boolean;
  dueAfter: boolean;
  overdue?: boolean;
  recurring?: boolean;
  series: boolean;
  search: boolean;
  sort: string;
  /** Per sort key of the cursor: whether its value is set (null values shape the condition). */
  cursor: boolean[] | null;
}

/** A list query checked and reduced to its shape and the values its placeholders take. */
interface ListPlan {
  shape: Shape;
  values: Record<string, unknown>;
  terms: SortTerm[];
  limit: number;
}

/** The filters of a list query checked, as a shape and values; errors name the parameter. */
function plan(userId: string, projectIds: string[], query: ListTasksQuery, now: Date): ListPlan {
  const values: Record<string, unknown> = {};
  if (projectIds.length > SPLIT_PROJECTS) values.projects = projectIds;
  else
    projectIds.forEach((id, i) => {
      values[`project${i}`] = id;
    });
  let assignee = false;
  if (query.assignee !== undefined) {
    values.assignee = query.assignee.trim() === 'me' ? userId : query.assignee.trim();
    if (!uuidPattern.test(values.assignee as string)) throw invalid('/assignee', 'must be me or a user id');
    assignee = true;
  }
  const status = query.status ?? 'all';
  if (status !== 'all') values.status = status;
  const wanted = [...new Set((query.priority ?? []).map((p) => p.trim()).filter(Boolean))];
  for (const p of wanted) {
    if (!isPriority(p)) throw invalid('/priority', 'unknown priority; use none, low, medium or high');
  }
  wanted.forEach((p, i) => {
    values[`priority${i}`] = p;
  });
  const tags = normalizeTags(query.tag ?? []);
  if (tags.length) values.tags = tags;
  if (query.due_before) values.dueBefore = new Date(query.due_before).toISOString();
  if (query.due_after) values.dueAfter = new Date(query.due_after).toISOString();
  if (query.overdue !== undefined) values.now = now.toISOString();
  if (query.series_id) values.series = query.series_id;
  const search = searchTerms(query.q);
  if (search) Object.assign(values, search);
  const terms = parseSort(query.sort, !!search);
  let cursor: boolean[] | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor, terms);
    cursor = c.v.map((v) => v !== null);
    c.v.forEach((v, i) => {
      if (v !== null) values[`cursor${i}`] = v;
    });
    values.cursorId = c.id;
  }
  const limit = query.limit ? Number(query.limit) : 50;
  values.limit = limit + 1;
  const shape: Shape = {
    projects: projectIds.length > SPLIT_PROJECTS ? 'many' : projectIds.length,
    assignee,
    status: status !== 'all',
    priorities: wanted.length,
    tags: tags.length ? (query.tags === 'all' ? 'all' : 'any') : 'none',
    dueBefore: !!query.due_before,
    dueAfter: !!query.due_after,
    overdue: query.overdue,
    recurring: query.recurring,
    series: !!query.series_id,
    search: !!search,
    sort: sortSpecOf(terms),
    cursor,
  };
  return { shape, values, terms, limit };
}

const p = (name: string) => sql.placeholder(name);

/** `project_id` among the listed projects (none: nothing matches). */
function inProjects(shape: Shape): SQL {
  if (shape.projects === 'many') return sql`${tasks.projectId} = any(${p('projects')}::uuid[])`;
  if (shape.projects === 0) return sql`false`;
  if (shape.projects === 1) return eq(tasks.projectId, p('project0'));
  return inArray(
    tasks.projectId,
    Array.from({ length: shape.projects }, (_, i) => p(`project${i}`)),
  );
}

/** The filters of a shape as SQL conditions over placeholders, besides the projects. */
function filters(shape: Shape): SQL[] {
  const where: SQL[] = [];
  if (shape.assignee) where.push(eq(tasks.assigneeId, p('assignee')));
  if (shape.status) where.push(eq(tasks.status, p('status')));
  if (shape.priorities) {
    where.push(
      inArray(
        tasks.priority,
        Array.from({ length: shape.priorities }, (_, i) => p(`priority${i}`)),
      ),
    );
  }
  if (shape.tags !== 'none') {
    where.push(
      shape.tags === 'all' ? sql`${tasks.tags} @> ${p('tags')}::text[]` : sql`${tasks.tags} && ${p('tags')}::text[]`,
    );
  }
  if (shape.dueBefore) where.push(sql`${tasks.dueAt} < ${p('dueBefore')}::timestamptz`);
  if (shape.dueAfter) where.push(sql`${tasks.dueAt} > ${p('dueAfter')}::timestamptz`);
  if (shape.overdue === true) where.push(eq(tasks.status, 'open'), sql`${tasks.dueAt} < ${p('now')}::timestamptz`);
  if (shape.overdue === false)
    where.push(
      sql`(${tasks.dueAt} is null or ${tasks.dueAt} >= ${p('now')}::timestamptz or ${tasks.status} = 'completed')`,
    );
  if (shape.recurring === true) where.push(isNotNull(tasks.recurrence));
  if (shape.recurring === false) where.push(isNull(tasks.recurrence));
  if (shape.series) where.push(eq(tasks.seriesId, p('series')));
  return where;
}

/**
 * The SELECT of one shape, with placeholders.
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
function build(db: Db, shape: Shape) {
  const search = shape.search ? searchSql(p('prefix'), p('loose')) : null;
  const terms = parseSort(shape.sort, shape.search);
  const where = filters(shape);
  if (search) where.push(search.where);
  if (shape.cursor) {
    const v = shape.cursor.map((set, i) => (set ? p(`cursor${i}`) : null));
    where.push(afterCursor(terms, { v, id: p('cursorId') }, search));
  }
  const ranked = search && terms.some((t) => t.key === 'relevance');
  const columns = { ...listedColumns, rank: sql<number>`${ranked ? search.rank : sql`0::real`}`.as('rank') };
  const page = (conditions: SQL[]) =>
    db
      .select(columns)
      .from(tasks)
      .where(and(...conditions))
      .orderBy(...orderBy(terms, search))
      .limit(p('limit'));
  const scope = inProjects(shape);
  if (terms[0]?.key !== 'priority') return page([scope, ...where]);
  const parts = shape.priorities ? Array.from({ length: shape.priorities }, (_, i) => p(`priority${i}`)) : priorities;
  const scopes =
    typeof shape.projects === 'number' && shape.projects > 1
      ? Array.from({ length: shape.projects }, (_, i) => eq(tasks.projectId, p(`project${i}`)))
      : [scope];
  const [first, second, ...rest] = parts.flatMap((priority) =>
    scopes.map((part) => page([part, ...where, eq(tasks.priority, priority)])),
  );
  if (!first || !second) return page([scope, ...where]);
  return unionAll(first, second, ...rest)
    .orderBy(...outputOrder(terms))
    .limit(p('limit'));
}

/** Built statements by shape; the oldest goes when a new one would pass the bound. */
const built = new Map<string, { sql: string; params: unknown[] }>();
const BUILT_MAX = 256;

function statementOf(db: Db, shape: Shape) {
  const key = JSON.stringify(shape);
  let statement = built.get(key);
  if (!statement) {
    statement = build(db, shape).toSQL();
    if (built.size >= BUILT_MAX) built.delete(built.keys().next().value as string);
    built.set(key, statement);
  }
  return statement;
}

/** The statement of one page with its values (the search test EXPLAINs it, bench:api replays it). */
export function listStatement(db: Db, userId: string, projectIds: string[], query: ListTasksQuery, now = new Date()) {
  const { shape, values, terms, limit } = plan(userId, projectIds, query, now);
  const statement = statementOf(db, shape);
  return { query: { sql: statement.sql, params: fillPlaceholders(statement.params, values) }, terms, limit };
}

/**
 * One page of a user's tasks: filters, text search (prefix + typo-tolerant, relevance order by
 * default), a multi-key sort and an opaque keyset cursor.
 */
export async function listTasks(db: Db, userId: string, query: ListTasksQuery, now = new Date()) {
  const projectIds = await listedProjects(db, userId, query);
  const { query: statement, terms, limit } = listStatement(db, userId, projectIds, query, now);
  const rows = await queryRows<ListedRow>(db, statement.sql, statement.params);
  const items = rows.slice(0, limit).map(listedTaskDto);
  const last = items.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({ s: sortSpecOf(terms), v: cursorValues(terms, last, rows[limit - 1]?.rank), id: last.id })
      : null;
  return { items, next_cursor: next };
}

export async function getTask(db: Db, userId: string, id: string): Promise<TaskDto> {
  const { task } = await authorizeTask(db, userId, id, 'task.read');
  return toTaskDto(task);
}
