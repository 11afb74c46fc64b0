/**
 * The data bench:api works on: a writer (creates), a reader holding 10,000 tasks (searches), and
 * 20 other users with 2,000 tasks each, so a search has to find one user's rows among everyone's.
 * Accounts are made through the api (a real login gives the token); tasks are inserted in bulk.
 */
import type postgres from 'postgres';

const words = ['invoice', 'report', 'groceries', 'dentist', 'deploy', 'review', 'taxes', 'garden'];
const priorities = ['none', 'low', 'medium', 'high'];

/** The i-th task of a seeded user: a mix of words, priorities, tags, due dates and statuses. */
export function seededTask(userId: string, projectId: string, i: number) {
  return {
    id: Bun.randomUUIDv7(),
    user_id: userId,
    project_id: projectId,
    title: `${words[i % 8]} ${words[(i * 7) % 8]} #${i}`,
    description: i % 3 ? `notes about ${words[(i * 3) % 8]}` : '',
    priority: priorities[i % 4],
    tags: [words[i % 5] as string, i % 2 ? 'work' : 'home'],
    due_at: i % 5 ? new Date(Date.UTC(2030, 0, 1) + (i % 365) * 86_400_000) : null,
    status: i % 4 === 0 ? 'completed' : 'open',
    timezone: 'Europe/Berlin',
  };
}

/** The user's Inbox: the one sign-up made, or (for users inserted directly) a new one. */
export async function inboxFor(db: postgres.Sql, userId: string): Promise<string> {
  const [found] = await db`select id from api.projects where created_by = ${userId} and is_inbox`;
  if (found) return found.id as string;
  const id = Bun.randomUUIDv7();
  await db`insert into api.projects (id, name, is_inbox, created_by) values (${id}, 'Inbox', true, ${userId})`;
  await db`insert into api.project_members (project_id, user_id, role) values (${id}, ${userId}, 'admin')`;
  return id;
}

async function insertTasks(db: postgres.Sql, userId: string, count: number) {
  const projectId = await inboxFor(db, userId);
  for (let from = 0; from < count; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - from) }, (_, j) =>
      seededTask(userId, projectId, from + j),
    );
    await db`insert into api.tasks ${db(rows, 'id', 'user_id', 'project_id', 'title', 'description', 'priority', 'tags', 'due_at', 'status', 'timezone')}`;
  }
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function signUp(base: string, tag: string) {
  const email = `${tag}-${crypto.randomUUID().slice(0, 8)}@bench.local`;
  const password = 'bench password 123';
  await fetch(`${base}/api/v1/auth/register`, json({ email, password, display_name: tag, timezone: 'Europe/Berlin' }));
  const res = await fetch(`${base}/api/v1/auth/login`, json({ email, password }));
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; user: { id: string } };
  return { token: body.access_token, userId: body.user.id };
}

export async function seed(base: string, db: postgres.Sql) {
  const writer = await signUp(base, 'writer');
  const reader = await signUp(base, 'reader');
  await insertTasks(db, reader.userId, 10_000);
  for (let u = 0; u < 20; u++) {
    const id = Bun.randomUUIDv7();
    await db`insert into api.users (id, email, password_hash, display_name, timezone)
             values (${id}, ${`other-${u}-${id}@bench.local`}, 'not-a-hash', 'other', 'UTC')`;
    await insertTasks(db, id, 2_000);
  }
  await db`vacuum analyze api.tasks`;
  return {
    writer: { ...writer, projectId: await inboxFor(db, writer.userId) },
    reader: { ...reader, projectId: await inboxFor(db, reader.userId) },
  };
}
