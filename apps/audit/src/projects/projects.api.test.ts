import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import type { AnyEvent } from '@tasktide/events';
import { appendEvent } from '../chain/append.ts';
import { createTestAudit, type TestAudit, testEvent } from '../testing.ts';

/** A task event about `projectId` (the snapshot carries it, as the api writes it since projects). */
const taskEvent = (type: 'task.created' | 'task.updated', userId: string, projectId: string) => {
  const base = testEvent(type, userId) as AnyEvent & { payload: Record<string, unknown> };
  const task = { ...((type === 'task.created' ? base.payload : base.payload.task) as object), project_id: projectId };
  return type === 'task.created'
    ? testEvent('task.created', userId, undefined, task as never)
    : testEvent('task.updated', userId, undefined, { task } as never);
};
const member = (
  type: 'member.added' | 'member.removed' | 'member.role_changed',
  actor: string,
  projectId: string,
  memberId: string,
) => testEvent(type, actor, undefined, { project_id: projectId, member_id: memberId, role: 'viewer' } as never);

describe.each(dbKinds())("a project's audit log, for its members only (%s)", (kind) => {
  let audit: TestAudit;
  const [ada, bob, eve] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const tokens: Record<string, string> = {};
  const project = crypto.randomUUID();
  let shared: AnyEvent[];

  beforeAll(async () => {
    audit = await createTestAudit(kind);
    for (const id of [ada, bob, eve]) tokens[id] = await audit.tokenFor(id);
    shared = [
      member('member.added', ada, project, ada),
      taskEvent('task.created', ada, project),
      member('member.added', bob, project, bob),
      taskEvent('task.updated', bob, project),
      testEvent('comment.created', bob, undefined, { project_id: project } as never),
    ];
    for (const e of shared) await appendEvent(audit.db.db, e);
    // Ada's own task elsewhere and Eve's project: not in this project's log.
    await appendEvent(audit.db.db, taskEvent('task.created', ada, crypto.randomUUID()));
    await appendEvent(audit.db.db, testEvent('task.created', eve));
  }, 60_000);
  afterAll(async () => {
    await audit.close();
  });

  const list = (userId: string, query = '') =>
    audit.call('GET', `/api/v1/audit/events?project_id=${project}${query}`, { token: tokens[userId] });
  const ids = (body: { items: { event_id: string }[] }) => body.items.map((i) => i.event_id);

  test("every member reads every member's events about the project, newest first, with project_id", async () => {
    for (const who of [ada, bob]) {
      const res = await list(who);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(shared.map((e) => e.event_id).reverse());
      expect(res.body.items.every((i: { project_id: string }) => i.project_id === project)).toBe(true);
    }
  });

  test('pages by cursor without skipping or repeating, and filters as the own log does', async () => {
    const first = await list(ada, '&limit=2&order=asc');
    const second = await list(ada, `&limit=2&order=asc&cursor=${first.body.next_cursor}`);
    const third = await list(ada, `&limit=2&order=asc&cursor=${second.body.next_cursor}`);
    expect([...ids(first.body), ...ids(second.body), ...ids(third.body)]).toEqual(shared.map((e) => e.event_id));
    expect(third.body.next_cursor).toBeNull();
    expect(ids((await list(bob, '&type=task.updated')).body)).toEqual([shared[3]!.event_id]);
    const wrong = await list(ada, `&order=desc&cursor=${first.body.next_cursor}`);
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  });

  test('a non-member gets 404, as for a project that does not exist', async () => {
    const res = await list(eve);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const nowhere = await audit.call('GET', `/api/v1/audit/events?project_id=${crypto.randomUUID()}`, {
      token: tokens[ada],
    });
    expect(nowhere.status).toBe(404);
  });

  test('a removed member loses access; a late, older member.added does not bring them back', async () => {
    const added = member('member.added', eve, project, eve);
    const removed = member('member.removed', ada, project, eve);
    await appendEvent(audit.db.db, added);
    expect((await list(eve)).status).toBe(200);
    await appendEvent(audit.db.db, removed);
    expect((await list(eve)).status).toBe(404);
    // Redelivered (the idempotent ledger) and re-applied out of order: still removed.
    await appendEvent(audit.db.db, added);
    expect((await list(eve)).status).toBe(404);
    expect((await list(ada)).status).toBe(200);
  });

  test('the own log is unchanged: without project_id only the caller’s events', async () => {
    const res = await audit.call('GET', '/api/v1/audit/events', { token: tokens[bob] });
    expect(res.body.items.every((i: { user_id: string }) => i.user_id === bob)).toBe(true);
  });

  test('project_id must be a uuid (400, problem+json naming the field)', async () => {
    const res = await audit.call('GET', '/api/v1/audit/events?project_id=nope', { token: tokens[ada] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('project_id');
  });
});
