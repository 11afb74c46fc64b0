import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { asc, eq } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import { createTestApi, type TestApi } from '../testing.ts';

type User = Awaited<ReturnType<TestApi['signUp']>>;

describe.each(dbKinds())('sharing a project on %s', (kind) => {
  let api: TestApi;
  let ada: User;
  let bob: User;
  beforeAll(async () => {
    api = await createTestApi(kind);
    ada = await api.signUp();
    bob = await api.signUp();
  }, 120_000);
  afterAll(() => api.close());
  const call = (method: string, path: string, token: string, body?: unknown) =>
    api.call(method, `/api/v1${path}`, { token, ...(body === undefined ? {} : { body }) });
  const newProject = async (name = 'Shared') =>
    (await call('POST', '/projects', ada.token, { name })).body.id as string;
  const share = async (projectId: string, user: User, role: string) => {
    expect(
      (await call('POST', `/projects/${projectId}/invitations`, ada.token, { email: user.email, role })).status,
    ).toBe(201);
    expect((await call('POST', `/invitations/${projectId}/accept`, user.token)).status).toBe(204);
  };

  test('invite → pending → accept: both see the project and its tasks', async () => {
    const p = await newProject('Household');
    const task = (await call('POST', '/tasks', ada.token, { title: 'chores', project_id: p })).body;
    expect((await call('GET', `/tasks/${task.id}`, bob.token)).status).toBe(404);
    const invited = await call('POST', `/projects/${p}/invitations`, ada.token, {
      email: bob.email.toUpperCase(),
      role: 'editor',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      user_id: bob.userId,
      role: 'editor',
      status: 'invited',
      invited_by: ada.userId,
    });
    const pending = await call('GET', '/invitations', bob.token);
    expect(pending.body.items).toEqual([
      expect.objectContaining({ project_id: p, project_name: 'Household', role: 'editor' }),
    ]);
    // Invited is not yet a member.
    expect((await call('GET', `/tasks/${task.id}`, bob.token)).status).toBe(404);
    expect((await call('POST', `/invitations/${p}/accept`, bob.token)).status).toBe(204);
    expect((await call('GET', '/invitations', bob.token)).body.items).toEqual([]);
    expect((await call('GET', `/tasks/${task.id}`, bob.token)).status).toBe(200);
    const mine = (await call('GET', '/projects', bob.token)).body.items;
    expect(mine).toContainEqual(expect.objectContaining({ id: p, role: 'editor', is_inbox: false }));
    const members = (await call('GET', `/projects/${p}/members`, bob.token)).body.items;
    expect(
      members.map((m: { user_id: string; role: string; status: string }) => [m.user_id, m.role, m.status]),
    ).toEqual([
      [ada.userId, 'admin', 'active'],
      [bob.userId, 'editor', 'active'],
    ]);
    // Bob's edit is Ada's to see.
    expect((await call('PATCH', `/tasks/${task.id}`, bob.token, { title: 'chores (bob)' })).status).toBe(200);
    expect((await call('GET', `/tasks/${task.id}`, ada.token)).body.title).toBe('chores (bob)');
  });

  test('inviting: an unknown email is a 404, a member or a second invitation a 409; declining removes it', async () => {
    const p = await newProject();
    expect(
      (await call('POST', `/projects/${p}/invitations`, ada.token, { email: 'nobody@example.com', role: 'viewer' }))
        .status,
    ).toBe(404);
    expect(
      (await call('POST', `/projects/${p}/invitations`, ada.token, { email: ada.email, role: 'viewer' })).status,
    ).toBe(409);
    expect(
      (await call('POST', `/projects/${p}/invitations`, ada.token, { email: bob.email, role: 'viewer' })).status,
    ).toBe(201);
    expect(
      (await call('POST', `/projects/${p}/invitations`, ada.token, { email: bob.email, role: 'admin' })).status,
    ).toBe(409);
    expect((await call('POST', `/invitations/${p}/decline`, bob.token)).status).toBe(204);
    expect((await call('POST', `/invitations/${p}/accept`, bob.token)).status).toBe(404);
    expect((await call('GET', `/projects/${p}`, bob.token)).status).toBe(404);
  });

  test('the last admin can neither leave nor be demoted (409); with a second admin they can', async () => {
    const p = await newProject();
    expect((await call('DELETE', `/projects/${p}/members/${ada.userId}`, ada.token)).status).toBe(409);
    expect((await call('PATCH', `/projects/${p}/members/${ada.userId}`, ada.token, { role: 'editor' })).status).toBe(
      409,
    );
    await share(p, bob, 'viewer');
    const promoted = await call('PATCH', `/projects/${p}/members/${bob.userId}`, ada.token, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ user_id: bob.userId, role: 'admin' });
    expect((await call('PATCH', `/projects/${p}/members/${ada.userId}`, ada.token, { role: 'editor' })).status).toBe(
      200,
    );
    expect((await call('DELETE', `/projects/${p}/members/${ada.userId}`, ada.token)).status).toBe(204);
    expect((await call('GET', `/projects/${p}`, ada.token)).status).toBe(404);
  });

  test('assignees are active members; leaving unassigns by task.updated events, then member.removed', async () => {
    const p = await newProject();
    await share(p, bob, 'editor');
    const bad = await call('POST', '/tasks', ada.token, {
      title: 't',
      project_id: p,
      assignee_id: crypto.randomUUID(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/assignee_id');
    const task = (await call('POST', '/tasks', ada.token, { title: 'for bob', project_id: p, assignee_id: bob.userId }))
      .body;
    expect(task.assignee_id).toBe(bob.userId);
    const other = (await call('POST', '/tasks', ada.token, { title: 'mine', project_id: p })).body;
    expect((await call('PATCH', `/tasks/${other.id}`, bob.token, { assignee_id: ada.userId })).body.assignee_id).toBe(
      ada.userId,
    );
    const ids = async (token: string, qs: string) =>
      (await call('GET', `/tasks?project_id=${p}&${qs}`, token)).body.items.map((t: { id: string }) => t.id);
    expect(await ids(bob.token, 'assignee=me')).toEqual([task.id]);
    expect(await ids(bob.token, `assignee=${ada.userId}`)).toEqual([other.id]);
    expect((await call('GET', '/tasks?assignee=someone', bob.token)).status).toBe(400);

    expect((await call('DELETE', `/projects/${p}/members/${bob.userId}`, bob.token)).status).toBe(204);
    const after = (await call('GET', `/tasks/${task.id}`, ada.token)).body;
    expect(after).toMatchObject({ assignee_id: null, version: task.version + 1 });
    expect((await call('GET', `/tasks/${task.id}`, bob.token)).status).toBe(404);
    const events = (
      await api.db.db.select().from(outbox).where(eq(outbox.topic, 'task-events')).orderBy(asc(outbox.id))
    )
      .map((r) => r.envelope as { event_type: string; payload: Record<string, unknown> })
      .filter((e) => e.payload.project_id === p || (e.payload.task as { project_id?: string })?.project_id === p);
    const tail = events.slice(-2);
    expect(tail.map((e) => e.event_type)).toEqual(['task.updated', 'member.removed']);
    expect(tail[0]?.payload).toMatchObject({ task_id: task.id, changes: { assignee_id: null } });
    expect(tail[1]?.payload).toEqual({ project_id: p, member_id: bob.userId, reason: 'left' });
  });

  test('comments: members comment, authors edit their own, admins delete any', async () => {
    const p = await newProject();
    await share(p, bob, 'viewer');
    const task = (await call('POST', '/tasks', ada.token, { title: 'discuss', project_id: p })).body;
    const path = `/tasks/${task.id}/comments`;
    const bobs = await call('POST', path, bob.token, { body: ' looks good ' });
    expect(bobs.status).toBe(201);
    expect(bobs.body).toMatchObject({ body: 'looks good', author_id: bob.userId, task_id: task.id });
    const adas = (await call('POST', path, ada.token, { body: 'thanks' })).body;
    expect((await call('POST', path, bob.token, { body: '   ' })).status).toBe(400);
    expect((await call('PATCH', `${path}/${bobs.body.id}`, bob.token, { body: 'edited' })).body.body).toBe('edited');
    expect((await call('PATCH', `${path}/${bobs.body.id}`, ada.token, { body: 'not yours' })).status).toBe(403);
    expect((await call('DELETE', `${path}/${adas.id}`, bob.token)).status).toBe(403);
    for (let i = 0; i < 3; i++) await call('POST', path, ada.token, { body: `more ${i}` });
    const first = await call('GET', `${path}?limit=2`, bob.token);
    expect(first.body.items.map((c: { body: string }) => c.body)).toEqual(['edited', 'thanks']);
    const second = await call('GET', `${path}?limit=2&cursor=${first.body.next_cursor}`, bob.token);
    expect(second.body.items.map((c: { body: string }) => c.body)).toEqual(['more 0', 'more 1']);
    expect((await call('GET', `${path}?cursor=garbage`, bob.token)).status).toBe(400);
    expect((await call('DELETE', `${path}/${bobs.body.id}`, ada.token)).status).toBe(204);
    expect((await call('DELETE', `${path}/${bobs.body.id}`, ada.token)).status).toBe(404);
  });

  test('deleting an account: a shared project passes to another member, a private one goes', async () => {
    const carol = await api.signUp();
    const dave = await api.signUp();
    const shared = (await call('POST', '/projects', carol.token, { name: 'Carol & Dave' })).body.id;
    const lonely = (await call('POST', '/projects', carol.token, { name: 'Carol only' })).body.id;
    await call('POST', `/projects/${shared}/invitations`, carol.token, { email: dave.email, role: 'editor' });
    await call('POST', `/invitations/${shared}/accept`, dave.token);
    const davesTask = (
      await call('POST', '/tasks', dave.token, { title: "dave's", project_id: shared, assignee_id: carol.userId })
    ).body;
    const carolsTask = (await call('POST', '/tasks', carol.token, { title: "carol's", project_id: shared })).body;
    expect((await call('POST', '/me/delete', carol.token, { password: carol.password })).status).toBe(204);

    expect((await call('GET', `/projects/${shared}`, dave.token)).body.role).toBe('admin');
    expect((await call('GET', `/tasks/${davesTask.id}`, dave.token)).body.assignee_id).toBeNull();
    expect((await call('GET', `/tasks/${carolsTask.id}`, dave.token)).status).toBe(404);
    const members = (await call('GET', `/projects/${shared}/members`, dave.token)).body.items;
    expect(members.map((m: { user_id: string }) => m.user_id)).toEqual([dave.userId]);
    const types = (await api.db.db.select().from(outbox).where(eq(outbox.topic, 'task-events')).orderBy(asc(outbox.id)))
      .map((r) => r.envelope as { event_type: string; user_id: string; payload: Record<string, unknown> })
      .filter((e) => e.user_id === carol.userId)
      .slice(-7)
      .map(
        (e) =>
          `${e.event_type} ${e.payload.project_id ?? (e.payload.task as { project_id?: string })?.project_id ?? ''}`,
      );
    expect(types).toEqual(
      expect.arrayContaining([
        `project.deleted ${lonely}`,
        `member.role_changed ${shared}`,
        `task.updated ${shared}`,
        `task.deleted ${shared}`,
        `member.removed ${shared}`,
        'user.deleted ',
      ]),
    );
  });

  test("other services see a shared task by membership: the calendar feed, the re-check, another member's completion", async () => {
    const p = await newProject();
    await share(p, bob, 'editor');
    const due = '2030-03-04T09:00:00+01:00';
    const task = (
      await call('POST', '/tasks', ada.token, {
        title: 'water plants',
        project_id: p,
        due_at: due,
        recurrence: 'weekly',
      })
    ).body;
    const feedPath = (await call('POST', '/calendar/feed', bob.token)).body.path;
    const feed = async () => (await api.app.handle(new Request(`http://localhost${feedPath}`))).text();
    expect(await feed()).toContain('water plants');
    expect((await api.call('GET', `/internal/tasks/${task.id}?user_id=${bob.userId}`)).status).toBe(200);
    // Bob completes Ada's recurring task: the recurrence service asks for the next one as Bob.
    const next = await api.call('POST', `/internal/tasks/${task.id}/next-occurrence`, {
      body: { source_event_id: crypto.randomUUID(), user_id: bob.userId, due_at: '2030-03-11T08:00:00Z' },
    });
    expect(next.status).toBe(409); // not completed yet: the parent was found, the rule applied
    expect((await call('POST', `/tasks/${task.id}/complete`, bob.token)).status).toBe(200);
    const created = await api.call('POST', `/internal/tasks/${task.id}/next-occurrence`, {
      body: { source_event_id: crypto.randomUUID(), user_id: bob.userId, due_at: '2030-03-11T08:00:00Z' },
    });
    expect(created.status).toBeLessThan(300);

    expect((await call('DELETE', `/projects/${p}/members/${bob.userId}`, bob.token)).status).toBe(204);
    expect(await feed()).not.toContain('water plants');
    expect((await api.call('GET', `/internal/tasks/${task.id}?user_id=${bob.userId}`)).status).toBe(404);
  });
});
