import { isRfc3339DateTime } from '@tasktide/service-kit';
import { and, type SQL, sql } from 'drizzle-orm';
import { tasks } from '../db/schema.ts';
import { invalid } from './invalid.ts';
import type { TaskDto } from './model.ts';
import type { TextSearch } from './search.ts';

const columns = {
  priority: tasks.priority,
  due_at: tasks.dueAt,
  created_at: tasks.createdAt,
  updated_at: tasks.updatedAt,
  title: tasks.title,
};
export type SortKey = keyof typeof columns | 'relevance';
const sortKeys: SortKey[] = [...(Object.keys(columns) as SortKey[]), 'relevance'];
const dateKeys = new Set<SortKey>(['due_at', 'created_at', 'updated_at']);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SortTerm {
  key: SortKey;
  desc: boolean;
}

/**
 * The sort of a list: the given keys (`-` for descending), or — when nothing is given — relevance
 * if the query searches text, else newest first. The id is always the final tie-breaker.
 */
export function parseSort(sort: string | undefined, searched: boolean): SortTerm[] {
  const spec = sort ?? (searched ? '-relevance' : '-created_at');
  const seen = new Set<string>();
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((term) => {
      const key = term.replace(/^-/, '') as SortKey;
      if (!sortKeys.includes(key)) throw invalid('/sort', `unknown sort key; use ${sortKeys.join(', ')}`);
      if (seen.has(key)) throw invalid('/sort', `sort key "${key}" is repeated`);
      if (key === 'relevance' && !searched) throw invalid('/sort', 'relevance needs a search (q)');
      seen.add(key);
      return { key, desc: term.startsWith('-') };
    });
}

export const sortSpecOf = (terms: SortTerm[]) => terms.map((t) => (t.desc ? `-${t.key}` : t.key)).join(',');

/** The SQL a key sorts by. */
export function sortExpression(key: SortKey, search: TextSearch | null): SQL {
  if (key === 'relevance') return (search as TextSearch).rank;
  return sql`${columns[key]}`;
}

export function orderBy(terms: SortTerm[], search: TextSearch | null): SQL[] {
  return [
    ...terms.map((t) => sql`${sortExpression(t.key, search)} ${t.desc ? sql`desc` : sql`asc`} nulls last`),
    sql`${tasks.id} asc`,
  ];
}

/** The same order over a union's output columns (see listStatement), by their names. */
export function outputOrder(terms: SortTerm[]): SQL[] {
  const name = (key: SortKey) => sql.identifier(key === 'relevance' ? 'rank' : key);
  return [
    ...terms.map((t) => sql`${name(t.key)} ${t.desc ? sql`desc` : sql`asc`} nulls last`),
    sql`${sql.identifier('id')} asc`,
  ];
}

interface Cursor {
  /** The sort spec the cursor was made for; a cursor is only valid with the same sort. */
  s: string;
  v: (string | null)[];
  id: string;
}

function isValidKeyValue(key: SortKey, v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 1000) return false;
  // RFC 3339 has four-digit years only, so a forged year −5000 never reaches the database.
  if (dateKeys.has(key)) return isRfc3339DateTime(v);
  if (key === 'priority') return ['none', 'low', 'medium', 'high'].includes(v);
  if (key === 'relevance') return Number.isFinite(Number(v));
  return true;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A cursor this API issued for this very sort, or a 400 naming `/cursor`. */
export function decodeCursor(raw: string, terms: SortTerm[]): Cursor {
  const sort = sortSpecOf(terms);
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
  } catch {
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !uuid.test(c.id) || !Array.isArray(c.v)) {
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
  if (c.s !== sort) throw invalid('/cursor', 'the cursor belongs to a different sort order');
  const term = (i: number) => terms[i] as SortTerm;
  if (c.v.length !== terms.length || !c.v.every((v, i) => v === null || isValidKeyValue(term(i).key, v))) {
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
  return c;
}

/** The cursor values of the last task of a page (`rank`: its relevance, when searched). */
export function cursorValues(terms: SortTerm[], task: TaskDto, rank: number | undefined): (string | null)[] {
  return terms.map(({ key }) => {
    const value = key === 'relevance' ? rank : task[key];
    return value === null || value === undefined ? null : String(value);
  });
}

/** Binds a cursor value with the type of its key. */
function bound(key: SortKey, v: unknown): SQL {
  if (dateKeys.has(key)) return sql`${v}::timestamptz`;
  if (key === 'relevance') return sql`${v}::real`;
  if (key === 'priority') return sql`${v}::api.priority`;
  return sql`${v}`;
}

/**
 * Keyset condition "strictly after the cursor row" for a multi-key sort with NULLS LAST in both
 * directions and the id as the final tie-breaker: OR over i of (k1 = v1 AND … AND ki beyond vi).
 * The values are the cursor's or placeholders for them; a null value (a key that was null on the
 * cursor row) shapes the condition, so it stays null either way.
 */
export function afterCursor(terms: SortTerm[], cursor: { v: unknown[]; id: unknown }, search: TextSearch | null): SQL {
  const branches: SQL[] = [];
  const equalities: SQL[] = [];
  terms.forEach((term, i) => {
    const expr = sortExpression(term.key, search);
    const raw = cursor.v[i] ?? null;
    if (raw !== null) {
      const v = bound(term.key, raw);
      const beyond = term.desc ? sql`${expr} < ${v}` : sql`${expr} > ${v}`;
      branches.push(and(...equalities, sql`(${beyond} or ${expr} is null)`) as SQL);
      equalities.push(sql`${expr} = ${v}`);
    } else {
      // Nulls sort last, so nothing lies beyond a null except more nulls (decided by later keys).
      equalities.push(sql`${expr} is null`);
    }
  });
  branches.push(and(...equalities, sql`${tasks.id} > ${cursor.id}::uuid`) as SQL);
  return sql`(${sql.join(branches, sql` or `)})`;
}
