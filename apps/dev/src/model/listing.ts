import { type ModelTask, type Priority, priorityRank } from './reference.ts';

/** A list query as the check generates it: every filter the api offers, a multi-key sort, a page size. */
export interface ListQuery {
  status?: 'open' | 'completed';
  priority?: Priority[];
  tag?: string[];
  tagsAll?: boolean;
  /** Offsets from the model clock, in ms. */
  dueAfter?: number;
  dueBefore?: number;
  overdue?: boolean;
  recurring?: boolean;
  sort: { key: 'priority' | 'due_at' | 'created_at' | 'updated_at' | 'title'; desc: boolean }[];
  limit: number;
  /** A word prefix: the page must hold every task with a word so prefixed (and may hold near misses). */
  q?: string;
}

/** The query string of a list query (without `limit`: the pager adds it). */
export function toQueryString(q: ListQuery, now: number): string {
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  for (const v of q.priority ?? []) p.append('priority', v);
  if (q.tag?.length) p.set('tag', q.tag.join(','));
  if (q.tagsAll) p.set('tags', 'all');
  if (q.dueAfter !== undefined) p.set('due_after', new Date(now + q.dueAfter).toISOString());
  if (q.dueBefore !== undefined) p.set('due_before', new Date(now + q.dueBefore).toISOString());
  if (q.overdue !== undefined) p.set('overdue', String(q.overdue));
  if (q.recurring !== undefined) p.set('recurring', String(q.recurring));
  if (q.q) p.set('q', q.q);
  if (q.sort.length) p.set('sort', q.sort.map((s) => (s.desc ? `-${s.key}` : s.key)).join(','));
  return p.toString();
}

/** Every filter but `q`, as the api documents them. */
export function matchesFilters(t: ModelTask, q: ListQuery, now: number): boolean {
  if (q.status && t.status !== q.status) return false;
  if (q.priority?.length && !q.priority.includes(t.priority)) return false;
  if (q.tag?.length) {
    const has = q.tag.map((tag) => t.tags.includes(tag));
    if (q.tagsAll ? !has.every(Boolean) : !has.some(Boolean)) return false;
  }
  if (q.dueAfter !== undefined && !(t.dueAt !== null && t.dueAt > now + q.dueAfter)) return false;
  if (q.dueBefore !== undefined && !(t.dueAt !== null && t.dueAt < now + q.dueBefore)) return false;
  const overdue = t.status === 'open' && t.dueAt !== null && t.dueAt < now;
  if (q.overdue !== undefined && overdue !== q.overdue) return false;
  if (q.recurring !== undefined && (t.recurrence !== null) !== q.recurring) return false;
  return true;
}

/** Every word of the text that `q` would find by prefix (what search must return at least). */
export function matchesPrefix(t: ModelTask, q: string): boolean {
  const words = `${t.title} ${t.tags.join(' ')}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const wanted = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return wanted.every((w) => words.some((word) => word.startsWith(w)));
}

type SortValue = number | string | null;
function sortValue(t: ModelTask, key: ListQuery['sort'][number]['key']): SortValue {
  switch (key) {
    case 'priority':
      return priorityRank[t.priority];
    case 'due_at':
      return t.dueAt;
    case 'created_at':
      return t.createdAt;
    case 'updated_at':
      return t.updatedAt;
    case 'title':
      return t.title;
  }
}

/** The documented order: the keys in turn (nulls last either way), the id as the final tie-breaker. */
export function compareBy(sort: ListQuery['sort']) {
  const keys = sort.length ? sort : [{ key: 'created_at' as const, desc: true }];
  return (a: ModelTask, b: ModelTask): number => {
    for (const { key, desc } of keys) {
      const [x, y] = [sortValue(a, key), sortValue(b, key)];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = x < y ? -1 : 1;
      return desc ? -order : order;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
