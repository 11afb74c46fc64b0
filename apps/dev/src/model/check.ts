import type { Answer, Driver } from './driver.ts';
import { compareBy, type ListQuery, matchesFilters, matchesPrefix, toQueryString } from './listing.ts';
import type { ModelTask, ModelUser, ReferenceModel } from './reference.ts';

/** A disagreement between the system and the model: the check's failure, with what differed. */
export class Mismatch extends Error {
  constructor(what: string, detail?: unknown) {
    super(detail === undefined ? what : `${what}\n${JSON.stringify(detail, null, 2).slice(0, 4000)}`);
    this.name = 'Mismatch';
  }
}

export function expectStatus(res: Answer, status: number, what: string) {
  if (res.status !== status) throw new Mismatch(`${what}: expected ${status}, got ${res.status}`, res.body);
  if (status >= 400 && !res.headers.get('content-type')?.includes('application/problem+json')) {
    throw new Mismatch(`${what}: an error that is not problem+json`, res.headers.get('content-type'));
  }
}

interface ApiTask {
  id: string;
  title: string;
  priority: string;
  tags: string[];
  due_at: string | null;
  reminders: number[];
  recurrence: string | null;
  status: string;
  completed_at: string | null;
  series_id: string | null;
  parent_id: string | null;
  project_id: string;
  assignee_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The task as the api must show it, given the model's task. */
export function expectedDto(t: ModelTask) {
  return {
    id: t.id,
    title: t.title,
    priority: t.priority,
    tags: t.tags,
    due_at: iso(t.dueAt),
    reminders: t.reminders,
    recurrence: t.recurrence,
    status: t.status,
    completed_at: iso(t.completedAt),
    series_id: t.seriesId,
    parent_id: t.parentId,
    // The Inbox's id is the api's; a shared project's the model knows.
    ...(t.projectId ? { project_id: t.projectId } : {}),
    assignee_id: t.assigneeId,
    version: t.version,
    created_at: t.createdAt,
    updated_at: iso(t.updatedAt),
  };
}

async function pages<T>(driver: Driver, token: string, path: string, limit: number, cap = 200): Promise<T[][]> {
  const out: T[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await driver.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
      token,
    });
    expectStatus(res, 200, `GET ${path}`);
    if (res.body.items.length > limit) throw new Mismatch(`a page of ${path} is longer than its limit ${limit}`);
    out.push(res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor && out.length < cap);
  if (cursor) throw new Mismatch(`${path} did not end after ${cap} pages`);
  return out;
}

/**
 * Brings the model up to the system's asynchronous effects (the next occurrences it owed) and
 * compares every task of the user, field by field.
 */
export async function compareTasks(model: ReferenceModel, driver: Driver, user: ModelUser) {
  const actual = (await pages<ApiTask>(driver, user.token, '/api/v1/tasks?sort=created_at', 100)).flat();
  const known = new Set(model.visibleTo(user.id).map((t) => t.id));
  const parentSeen = (p: { parentId: string }) => {
    const parent = model.tasks.get(p.parentId);
    return parent !== undefined && model.canSee(user.id, parent);
  };
  for (const pending of model.pending.filter(parentSeen)) {
    const created = actual.filter((t) => t.parent_id === pending.parentId && !known.has(t.id));
    if (created.length !== 1) {
      throw new Mismatch(`expected exactly one next occurrence of ${pending.parentId}, found ${created.length}`, {
        pending: { ...pending, dueAt: iso(pending.dueAt) },
        created,
      });
    }
    model.adopt(pending, created[0]!.id, iso(model.now) as string);
    model.adopted++;
  }
  // Nobody ever sees a task outside their projects, and every member sees all of a project's.
  const expected = model.visibleTo(user.id);
  const byId = new Map(actual.map((t) => [t.id, t]));
  const missing = expected.filter((t) => !byId.has(t.id)).map(expectedDto);
  const extra = actual.filter((t) => !expected.some((e) => e.id === t.id));
  if (missing.length || extra.length) throw new Mismatch(`tasks of ${user.name} differ`, { missing, extra });
  for (const t of expected) {
    const a = byId.get(t.id) as ApiTask;
    const want: Record<string, unknown> = expectedDto(t);
    if (!driver.modelClock) {
      // Real time: the api stamps what the model cannot know to the millisecond.
      delete want.created_at;
      delete want.updated_at;
      want.completed_at = want.completed_at === null ? null : 'set';
    }
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, a[k as keyof ApiTask]]));
    if (!driver.modelClock) got.completed_at = got.completed_at === null ? null : 'set';
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Mismatch(`task ${t.id} of ${user.name} differs`, { want, got });
    }
  }
  // A series never holds two open occurrences.
  const openBySeries = new Map<string, number>();
  for (const t of actual) {
    if (t.series_id && t.status === 'open') openBySeries.set(t.series_id, (openBySeries.get(t.series_id) ?? 0) + 1);
  }
  for (const [series, n] of openBySeries) {
    if (n > 1) throw new Mismatch(`series ${series} of ${user.name} holds ${n} open occurrences`);
  }
}

interface ApiNotification {
  task_id: string | null;
  kind: string;
  reminder: { remind_at: string; sent_at: string } | null;
}

/** Every reminder the model owes the user is in the inbox exactly once, none early, none extra. */
export async function compareInbox(model: ReferenceModel, driver: Driver, user: ModelUser) {
  const items = (await pages<ApiNotification>(driver, user.token, '/api/v1/notifications', 100)).flat();
  const reminders = items.filter((n) => n.kind === 'reminder');
  for (const n of reminders) {
    if (!n.reminder) throw new Mismatch('a reminder notification without its reminder details', n);
    if (n.reminder.sent_at < n.reminder.remind_at) throw new Mismatch('a reminder was sent before its time', n);
  }
  const key = (taskId: string | null, remindAt: string) => `${taskId} @ ${remindAt}`;
  const got = reminders.map((n) => key(n.task_id, n.reminder?.remind_at ?? '')).sort();
  const want = model.deliveries
    .filter((d) => d.userId === user.id)
    .map((d) => key(d.taskId, new Date(d.remindAt).toISOString()))
    .sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Mismatch(`reminders delivered to ${user.name} differ from those owed`, {
      missing: want.filter((w) => !got.includes(w)),
      extra: got.filter((g, i) => !want.includes(g) || got.indexOf(g) !== i),
    });
  }
}

/** The audit log holds every committed event of the user once, and its hash chain verifies. */
export async function compareAudit(driver: Driver, user: ModelUser) {
  const committed = new Set(await driver.committedEvents(user.id));
  const res = await driver.call('GET', '/api/v1/audit/verify', { token: user.token });
  expectStatus(res, 200, 'GET /audit/verify');
  if (!res.body.ok) throw new Mismatch(`the audit chain of ${user.name} does not verify`, res.body);
  const logged = (await pages<{ event_id: string }>(driver, user.token, '/api/v1/audit/events?order=asc', 100))
    .flat()
    .map((e) => e.event_id);
  const missing = [...committed].filter((id) => !logged.includes(id));
  const doubled = logged.filter((id, i) => logged.indexOf(id) !== i);
  const unknown = logged.filter((id) => !committed.has(id));
  if (missing.length || doubled.length || unknown.length || res.body.rows_checked !== logged.length) {
    throw new Mismatch(`the audit log of ${user.name} is not one entry per committed change`, {
      missing,
      doubled,
      unknown,
      rows_checked: res.body.rows_checked,
    });
  }
}

/** A list query, paged: exactly the model's tasks in the model's order (a superset check for q). */
export async function compareList(model: ReferenceModel, driver: Driver, user: ModelUser, query: ListQuery) {
  const qs = toQueryString(query, model.now);
  const got = (await pages<ApiTask>(driver, user.token, qs ? `/api/v1/tasks?${qs}` : '/api/v1/tasks', query.limit))
    .flat()
    .map((t) => t.id);
  const candidates = model.visibleTo(user.id).filter((t) => matchesFilters(t, query, model.now));
  const order = compareBy(query.sort);
  if (!query.q) {
    const want = candidates.sort(order).map((t) => t.id);
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Mismatch(`GET /tasks?${qs} differs`, { want, got });
    return;
  }
  const allowed = new Set(candidates.map((t) => t.id));
  const mustHave = candidates.filter((t) => matchesPrefix(t, query.q as string)).map((t) => t.id);
  const outside = got.filter((id) => !allowed.has(id));
  const lost = mustHave.filter((id) => !got.includes(id));
  if (outside.length || lost.length || new Set(got).size !== got.length) {
    throw new Mismatch(`search GET /tasks?${qs} is wrong`, { outside, lost, got });
  }
  if (query.sort.length) {
    const byId = new Map(candidates.map((t) => [t.id, t]));
    const sorted = [...got].sort((a, b) => order(byId.get(a) as ModelTask, byId.get(b) as ModelTask));
    if (JSON.stringify(sorted) !== JSON.stringify(got)) throw new Mismatch(`search GET /tasks?${qs} is out of order`);
  }
}
