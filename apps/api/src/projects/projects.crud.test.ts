import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { asc, eq } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import { createTestApi, type TestApi } from '../testing.ts';

type User = Awaited<ReturnType<TestApi['signUp']>>;

describe.each(dbKinds())('projects on %s', (kind) => {
  let api: TestApi;
  let me: User;
  beforeAll(async () => {
    api = await createTestApi(kind);
    me = await api.signUp();
  }, 120_000);
  afterAll(() => api.close());
  const call = (method: string, path: string, body?: unknown, token = me.token) =>
    api.call(method, `/api/v1${path}`, { token, ...(body === undefined ? {} : { body }) });
  const inbox = async (token = me.token) =>
    (await call('GET', '/projects', undefined, token)).body.items.find((p: { is_inbox: boolean }) => p.is_inbox);

  test('sign-up makes an Inbox I am the admin of, and a task without a project goes there', async () => {
    const list = await call('GET', '/projects');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'Inbox', is_inbox: true, role: 'admin', position: 0, archived: false }),
    ]);
    const task = await call('POST', '/tasks', { title: 'no project named' });
    expect(task.status).toBe(201);
    expect(task.body.project_id).toBe(list.body.items[0].id);
    expect(task.body.assignee_id).toBeNull();
  });

  test('create, get, rename, recolour, reorder, archive and restore', async () => {
    const created = await call('POST', '/projects', { name: 'Household', color: '#3b82f6' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/projects/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Household', color: '#3b82f6', role: 'admin', is_inbox: false });
    expect(created.body.position).toBeGreaterThan(0);
    const id = created.body.id;
    expect((await call('GET', `/projects/${id}`)).body.name).toBe('Household');
    const renamed = await call('PATCH', `/projects/${id}`, { name: 'Home', color: null, position: 0 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Home', color: null, position: 0 });
    const archived = await call('PATCH', `/projects/${id}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    expect(archived.body.archived_at).toEqual(expect.any(String));
    expect((await call('PATCH', `/projects/${id}`, { archived: false })).body.archived).toBe(false);
  });

  test.each([
    ['an empty name', { name: '' }, '/name'],
    ['a blank name', { name: '   ' }, '/name'],
    ['a colour that is not hex', { name: 'x', color: 'blue' }, '/color'],
  ])('create rejects %s (400 naming the field)', async (_name, body, field) => {
    const res = await call('POST', '/projects', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors[0].field).toBe(field);
  });

  test('the Inbox cannot be deleted, archived or shared (409)', async () => {
    const { id } = await inbox();
    expect((await call('DELETE', `/projects/${id}`)).status).toBe(409);
    expect((await call('PATCH', `/projects/${id}`, { archived: true })).status).toBe(409);
    const other = await api.signUp();
    expect((await call('POST', `/projects/${id}/invitations`, { email: other.email, role: 'viewer' })).status).toBe(
      409,
    );
  });

  test('deleting a project deletes its tasks, each with a task.deleted event, then project.deleted', async () => {
    const { id } = (await call('POST', '/projects', { name: 'Doomed' })).body;
    const a = (await call('POST', '/tasks', { title: 'a', project_id: id })).body;
    const b = (await call('POST', '/tasks', { title: 'b', project_id: id })).body;
    expect((await call('DELETE', `/projects/${id}`)).status).toBe(204);
    expect((await call('GET', `/tasks/${a.id}`)).status).toBe(404);
    expect((await call('GET', `/projects/${id}`)).status).toBe(404);
    const rows = (
      await api.db.db.select().from(outbox).where(eq(outbox.topic, 'task-events')).orderBy(asc(outbox.id))
    ).filter((r) => (r.envelope as { payload: { project_id?: string } }).payload.project_id === id);
    expect(rows.map((r) => r.eventType)).toEqual([
      'project.created',
      'member.added',
      'task.created',
      'task.created',
      'task.deleted',
      'task.deleted',
      'project.deleted',
    ]);
    expect(
      rows
        .slice(4, 6)
        .map((r) => (r.envelope as { payload: { task_id: string } }).payload.task_id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
  });

  test('tasks filter by project_id: repeated and comma-separated', async () => {
    const p1 = (await call('POST', '/projects', { name: 'P1' })).body.id;
    const p2 = (await call('POST', '/projects', { name: 'P2' })).body.id;
    const t1 = (await call('POST', '/tasks', { title: 'in p1', project_id: p1 })).body.id;
    const t2 = (await call('POST', '/tasks', { title: 'in p2', project_id: p2 })).body.id;
    const ids = async (qs: string) => (await call('GET', `/tasks?${qs}`)).body.items.map((t: { id: string }) => t.id);
    expect(await ids(`project_id=${p1}`)).toEqual([t1]);
    expect((await ids(`project_id=${p1}&project_id=${p2}`)).sort()).toEqual([t1, t2].sort());
    expect((await ids(`project_id=${p1},${p2}`)).sort()).toEqual([t1, t2].sort());
    const many = Array.from({ length: 51 }, () => crypto.randomUUID()).join(',');
    expect((await call('GET', `/tasks?project_id=${many}`)).status).toBe(400);
    const bad = await call('GET', '/tasks?project_id=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/project_id');
  });

  test('a task moves between my projects; a project outside mine is a 400 naming project_id', async () => {
    const p = (await call('POST', '/projects', { name: 'Target' })).body.id;
    const task = (await call('POST', '/tasks', { title: 'mover' })).body;
    const moved = await call('PATCH', `/tasks/${task.id}`, { project_id: p });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ project_id: p, version: 2 });
    const stranger = await api.signUp();
    const theirs = (await inbox(stranger.token)).id;
    const res = await call('PATCH', `/tasks/${task.id}`, { project_id: theirs });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('/project_id');
    expect((await call('POST', '/tasks', { title: 'x', project_id: theirs })).status).toBe(400);
  });

  test('POST /projects honours Idempotency-Key: a retry replays the first answer, nothing twice', async () => {
    const headers = { 'idempotency-key': `proj-${crypto.randomUUID()}` };
    const first = await api.call('POST', '/api/v1/projects', { token: me.token, body: { name: 'Once' }, headers });
    const again = await api.call('POST', '/api/v1/projects', { token: me.token, body: { name: 'Once' }, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const named = (await call('GET', '/projects')).body.items.filter((p: { name: string }) => p.name === 'Once');
    expect(named).toHaveLength(1);
  });

  test('the OpenAPI document lists the project routes with their problems', async () => {
    const doc = (await api.call('GET', '/docs/json')).body;
    const del = doc.paths['/api/v1/projects/{id}'].delete;
    expect(del.description).toContain('archive');
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(['204', '403', '404', '409']));
    expect(doc.paths['/api/v1/tasks/{id}/comments/'].post.responses['201']).toBeDefined();
  });
});
