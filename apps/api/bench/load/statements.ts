/**
 * The api's statements for one create and one search, as pgbench scripts: built with the api's own
 * statement builders, so pgbench replays exactly what the api sends (values from a sample request).
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { projectsOfStatement } from '../../src/projects/access.ts';
import { insertTaskParams, insertTaskStatement } from '../../src/tasks/insert.ts';
import { listStatement } from '../../src/tasks/list.ts';
import type { ListTasksQuery } from '../../src/tasks/model.ts';
import { type PgbenchScript, randomSets, randomUuid, replay } from './pgbench.ts';

const join = (parts: PgbenchScript[]): PgbenchScript => ({
  text: parts.map((p) => p.text).join('\n'),
  vars: Object.assign({}, ...parts.map((p) => p.vars)),
});
const line = (text: string): PgbenchScript => ({ text, vars: {} });

/** A builder that never connects: only `toSQL()` is called on it. */
function offlineDb(url: string) {
  const client = postgres(url, { max: 1 });
  return { db: drizzle(client), close: () => client.end() };
}

/**
 * One create as the api runs it: one statement (tasks/insert.ts) with a fresh task and event id,
 * into the writer's Inbox like the benchmark's requests (no project_id: the statement finds it).
 */
export function createScript(userId: string): PgbenchScript {
  const { params } = insertTaskParams({
    id: Bun.randomUUIDv7(),
    userId,
    projectId: null,
    assigneeId: null,
    at: new Date(),
    fields: {
      title: 'task 1 quarterly numbers',
      description: '',
      priority: 'medium',
      tags: ['work'],
      dueAt: new Date('2030-01-01T08:00:00Z'),
      timezone: null,
      reminders: [60],
      recurrence: null,
      recurrenceMode: 'on_completion',
    },
    event: { correlationId: crypto.randomUUID() },
  });
  return join([
    line(randomSets('a', 'b', 'c', 'd')),
    replay({ sql: insertTaskStatement, params }, 't', { 1: randomUuid('a', 'b'), 14: randomUuid('c', 'd') }),
  ]);
}

/** One page of a search as the api runs it: the user's projects, then the page over them. */
export async function searchScript(
  url: string,
  userId: string,
  projectIds: string[],
  query: ListTasksQuery,
): Promise<PgbenchScript> {
  const { db, close } = offlineDb(url);
  // biome-ignore lint/suspicious/noExplicitAny: the offline builder only renders SQL
  const offline = db as any;
  const { query: statement } = listStatement(offline, userId, projectIds, query);
  const script = join([replay(projectsOfStatement(userId), 'p'), replay(statement, 's')]);
  await close();
  return script;
}
