import type { Db } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { type TaskRow, tasks } from '../db/schema.ts';
import { toTaskDto } from './dto.ts';
import type { ListTasksQuery, TaskDto } from './model.ts';
import { normalizeTags } from './validate.ts';

const sortable = {
  priority: tasks.priority,
  due_at: tasks.dueAt,
  created_at: tasks.createdAt,
  updated_at: tasks.updatedAt,
  title: tasks.title,
} satisfies Record<string, PgColumn>;
type SortKey = keyof typeof sortable;
interface SortTerm {
  key: SortKey;
  desc: boolean;
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, { errors: [{ field, message }] });

export function parseSort(sort: string | undefined): SortTerm[] {
  const terms = (sort ?? '-created_at')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return terms.map((term) => {
    const key = term.replace(/^-/, '');
    if (!(key in sortable))
      throw invalid('/sort', `unknown sort key "${key}"; use ${Object.keys(sortable).join(', ')}`);
    if (seen.has(key)) throw invalid('/sort', `sort key "${key}" is repeated`);
    seen.add(key);
    return { key: key as SortKey, desc: term.startsWith('-') };
  });
}

interface Cursor {
  /** The sort spec the cursor was made for; a cursor is only valid with the same sort. */
  s: string;
  v: (string | null)[];
  id: string;
}

const dateKeys = new Set<SortKey>(['due_at', 'created_at', 'updated_at']);

function isValidKeyValue(term: SortTerm, v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (dateKeys.has(term.key)) return !Number.isNaN(new Date(v).getTime());
  if (term.key === 'priority') return ['none', 'low', 'medium', 'high'].includes(v);
  return true;
}

/** Cursor values are strings; timestamp columns compare against Dates. */
const keyValue = (key: SortKey, v: string) => (dateKeys.has(key) ? new Date(v) : v);

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string, sort: string, terms: SortTerm[]): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    if (typeof c.id !== 'string' || !Array.isArray(c.v)) throw new Error('shape');
    if (c.s !== sort) throw invalid('/cursor', 'the cursor belongs to a different sort order');
    if (c.v.length !== terms.length || !c.v.every((v, i) => v === null || isValidKeyValue(terms[i] as SortTerm, v))) {
      throw new Error('values');
    }
    return c;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
}

function cursorValue(row: TaskRow, key: SortKey): string | null {
  const value =
    row[
      { priority: 'priority', due_at: 'dueAt', created_at: 'createdAt', updated_at: 'updatedAt', title: 'title' }[
        key
      ] as keyof TaskRow
    ];
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * Keyset condition "strictly after the cursor row" for a multi-key sort with NULLS LAST in both
 * directions and the id as the final tie-breaker: OR over i of (k1 = v1 AND … AND ki beyond vi).
 */
function afterCursor(terms: SortTerm[], cursor: Cursor): SQL {
  const branches: SQL[] = [];
  const equalities: SQL[] = [];
  terms.forEach((term, i) => {
    const col = sortable[term.key];
    const raw = cursor.v[i] ?? null;
    if (raw !== null) {
      const v = keyValue(term.key, raw);
      const beyond = term.desc ? lt(col, v) : gt(col, v);
      branches.push(and(...equalities, sql`(${beyond} or ${col} is null)`) as SQL);
      equalities.push(eq(col, v));
    } else {
      // Nulls sort last, so nothing lies beyond a null except more nulls (decided by later keys).
      equalities.push(isNull(col));
    }
  });
  branches.push(and(...equalities, gt(tasks.id, cursor.id)) as SQL);
  return sql`(${sql.join(branches, sql` or `)})`;
}

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function listTasks(db: Db, userId: string, query: ListTasksQuery, now = new Date()) {
  const terms = parseSort(query.sort);
  const sortSpec = terms.map((t) => (t.desc ? `-${t.key}` : t.key)).join(',');
  const where: SQL[] = [eq(tasks.userId, userId)];
  const status = query.status ?? 'all';
  if (status !== 'all') where.push(eq(tasks.status, status));
  if (query.q?.trim()) where.push(sql`${tasks.search} @@ websearch_to_tsquery('simple', ${query.q.trim()})`);
  const priorities = csv(query.priority);
  for (const p of priorities) {
    if (!['none', 'low', 'medium', 'high'].includes(p)) throw invalid('/priority', `unknown priority "${p}"`);
  }
  if (priorities.length) where.push(inArray(tasks.priority, priorities as TaskRow['priority'][]));
  const tags = normalizeTags(csv(query.tag));
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
  if (query.cursor) where.push(afterCursor(terms, decodeCursor(query.cursor, sortSpec, terms)));

  const limit = query.limit ? Number(query.limit) : 50;
  const order = terms.map((t) => {
    const col = sortable[t.key];
    return t.desc ? sql`${desc(col)} nulls last` : sql`${asc(col)} nulls last`;
  });
  const rows = await db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(...order, asc(tasks.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({ s: sortSpec, v: terms.map((t) => cursorValue(last, t.key)), id: last.id })
      : null;
  return { items: page.map(toTaskDto) as TaskDto[], next_cursor: next };
}

export async function getTask(db: Db, userId: string, id: string): Promise<TaskDto> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.userId, userId)))
    .limit(1);
  if (!row) throw new AppError('not_found', 'No such task');
  return toTaskDto(row);
}
