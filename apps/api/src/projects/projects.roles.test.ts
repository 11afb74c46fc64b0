/**
 * The role matrix: every route that touches a project, its members, its tasks or their comments,
 * called as a viewer, an editor, an admin and a non-member. What each may do comes from the policy
 * table (@tasktide/access `can`), so a route that forgot to ask the policy answers 2xx where this
 * expects 403/404 and fails here; a new project-scoped route without a row fails the coverage test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Action, can, type Role } from '@tasktide/access';
import { dbKinds } from '@tasktide/db/testing';
import { createTestApi, type TestApi } from '../testing.ts';

type User = Awaited<ReturnType<TestApi['signUp']>>;
type Who = Role | 'non-member';

interface Fixture {
  projectId: string;
  taskId: string;
  commentId: string;
  targetId: string;
  targetEmail: string;
}
interface Route {
  method: string;
  path: string;
  /** What the route does in the policy's words. */
  action: Action;
  /** Status when allowed. */
  ok: number;
  /** Status of a non-member when it is not 404 (a project named in the body is a field error). */
  outside?: number;
  /** Builds the request from a fixture made by the project's owner just before the call. */
  request: (f: Fixture) => { path: string; body?: unknown };
  /** What the fixture needs besides a task in the project. */
  needs?: ('comment' | 'invited' | 'completed' | 'ownProject')[];
}

const routes: Route[] = [
  {
    method: 'GET',
    path: '/projects/:id',
    action: 'project.read',
    ok: 200,
    request: (f) => ({ path: `/projects/${f.projectId}` }),
  },
  {
    method: 'PATCH',
    path: '/projects/:id',
    action: 'project.update',
    ok: 200,
    request: (f) => ({ path: `/projects/${f.projectId}`, body: { name: 'Renamed' } }),
  },
  {
    method: 'PATCH',
    path: '/projects/:id',
    action: 'project.read',
    ok: 200,
    request: (f) => ({ path: `/projects/${f.projectId}`, body: { position: 7 } }),
  },
  {
    method: 'DELETE',
    path: '/projects/:id',
    action: 'project.delete',
    ok: 204,
    needs: ['ownProject'],
    request: (f) => ({ path: `/projects/${f.projectId}` }),
  },
  {
    method: 'GET',
    path: '/projects/:id/members',
    action: 'project.read',
    ok: 200,
    request: (f) => ({ path: `/projects/${f.projectId}/members` }),
  },
  {
    method: 'POST',
    path: '/projects/:id/invitations',
    action: 'members.manage',
    ok: 201,
    needs: ['invited'],
    request: (f) => ({
      path: `/projects/${f.projectId}/invitations`,
      body: { email: f.targetEmail, role: 'viewer' },
    }),
  },
  {
    method: 'PATCH',
    path: '/projects/:id/members/:userId',
    action: 'members.manage',
    ok: 200,
    needs: ['invited'],
    request: (f) => ({ path: `/projects/${f.projectId}/members/${f.targetId}`, body: { role: 'editor' } }),
  },
  {
    method: 'DELETE',
    path: '/projects/:id/members/:userId',
    action: 'members.manage',
    ok: 204,
    needs: ['invited'],
    request: (f) => ({ path: `/projects/${f.projectId}/members/${f.targetId}` }),
  },
  {
    method: 'POST',
    path: '/tasks',
    action: 'task.write',
    ok: 201,
    outside: 400,
    request: (f) => ({ path: '/tasks', body: { title: 'new', project_id: f.projectId } }),
  },
  { method: 'GET', path: '/tasks/:id', action: 'task.read', ok: 200, request: (f) => ({ path: `/tasks/${f.taskId}` }) },
  {
    method: 'PATCH',
    path: '/tasks/:id',
    action: 'task.write',
    ok: 200,
    request: (f) => ({ path: `/tasks/${f.taskId}`, body: { title: 'changed' } }),
  },
  {
    method: 'POST',
    path: '/tasks/:id/complete',
    action: 'task.write',
    ok: 200,
    request: (f) => ({ path: `/tasks/${f.taskId}/complete` }),
  },
  {
    method: 'POST',
    path: '/tasks/:id/reopen',
    action: 'task.write',
    ok: 200,
    needs: ['completed'],
    request: (f) => ({ path: `/tasks/${f.taskId}/reopen` }),
  },
  {
    method: 'DELETE',
    path: '/tasks/:id',
    action: 'task.write',
    ok: 204,
    request: (f) => ({ path: `/tasks/${f.taskId}` }),
  },
  {
    method: 'GET',
    path: '/tasks/:id/comments',
    action: 'comment.read',
    ok: 200,
    request: (f) => ({ path: `/tasks/${f.taskId}/comments` }),
  },
  {
    method: 'POST',
    path: '/tasks/:id/comments',
    action: 'comment.create',
    ok: 201,
    request: (f) => ({ path: `/tasks/${f.taskId}/comments`, body: { body: 'hi' } }),
  },
  {
    method: 'DELETE',
    path: '/tasks/:id/comments/:commentId',
    action: 'comment.moderate',
    ok: 204,
    needs: ['comment'],
    request: (f) => ({ path: `/tasks/${f.taskId}/comments/${f.commentId}` }),
  },
];

/** Routes that name no project (mine only) or that only an author may use: tested elsewhere. */
const notProjectScoped = new Set([
  'GET /projects',
  'POST /projects',
  'GET /invitations',
  'POST /invitations/:projectId/accept',
  'POST /invitations/:projectId/decline',
  'GET /tasks',
  'POST /tasks/parse',
  // Editing is the author's alone (projects.sharing.test.ts); the policy has no action for it.
  'PATCH /tasks/:id/comments/:commentId',
]);

const whos: Who[] = ['viewer', 'editor', 'admin', 'non-member'];

describe.each(dbKinds())('role × route matrix on %s', (kind) => {
  let api: TestApi;
  let owner: User;
  const as = {} as Record<Who, User>;
  let shared: string;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    api.call(method, `/api/v1${path}`, { token, ...(body === undefined ? {} : { body }) });
  async function join(projectId: string, user: User, role: Role) {
    const invited = await call('POST', `/projects/${projectId}/invitations`, owner.token, { email: user.email, role });
    expect(invited.status).toBe(201);
    expect((await call('POST', `/invitations/${projectId}/accept`, user.token)).status).toBe(204);
  }
  async function project() {
    const { id } = (await call('POST', '/projects', owner.token, { name: 'Shared' })).body;
    for (const role of ['viewer', 'editor', 'admin'] as const) await join(id, as[role], role);
    return id as string;
  }

  beforeAll(async () => {
    api = await createTestApi(kind);
    owner = await api.signUp();
    for (const who of whos) as[who] = await api.signUp();
    shared = await project();
  }, 120_000);
  afterAll(() => api.close());

  async function fixture(route: Route): Promise<Fixture> {
    const projectId = route.needs?.includes('ownProject') ? await project() : shared;
    const task = await call('POST', '/tasks', owner.token, { title: 'fixture', project_id: projectId });
    expect(task.status).toBe(201);
    const taskId = task.body.id;
    if (route.needs?.includes('completed')) await call('POST', `/tasks/${taskId}/complete`, owner.token);
    let commentId = crypto.randomUUID();
    if (route.needs?.includes('comment')) {
      commentId = (await call('POST', `/tasks/${taskId}/comments`, owner.token, { body: "owner's" })).body.id;
    }
    let targetId: string = crypto.randomUUID();
    let targetEmail = 'nobody@example.com';
    if (route.needs?.includes('invited')) {
      const target = await api.signUp();
      targetId = target.userId;
      targetEmail = target.email;
      // The invitation route invites them; the member routes change (or withdraw) their invitation.
      if (route.method !== 'POST') {
        await call('POST', `/projects/${projectId}/invitations`, owner.token, { email: target.email, role: 'viewer' });
      }
    }
    return { projectId, taskId, commentId, targetId, targetEmail };
  }

  describe.each(whos)('as %s', (who) => {
    test.each(routes.map((r) => ({ ...r, name: `${r.method} ${r.path} (${r.action})` })))('$name', async (route) => {
      const f = await fixture(route);
      const { path, body } = route.request(f);
      const res = await call(route.method, path, as[who].token, body);
      const role = who === 'non-member' ? null : who;
      const expected = can(role, route.action) ? route.ok : role === null ? (route.outside ?? 404) : 403;
      expect({ status: res.status, body: res.status >= 400 ? res.body.code : 'ok' }).toMatchObject({
        status: expected,
      });
      if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  test('a non-member listing tasks of the project gets none of them', async () => {
    await call('POST', '/tasks', owner.token, { title: 'secret', project_id: shared });
    const res = await call('GET', `/tasks?project_id=${shared}`, as['non-member'].token);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  test('every project-scoped route of the app has a row in the matrix', () => {
    const inMatrix = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const scoped = api.app.routes
      .filter((r) => /^\/api\/v1\/(projects|tasks|invitations)/.test(r.path))
      .map((r) => `${r.method} ${r.path.replace('/api/v1', '').replace(/\/$/, '') || '/'}`)
      .filter((key) => !notProjectScoped.has(key));
    // Both ways: no route without a row, no row for a route that is not there.
    expect([...new Set(scoped)].sort()).toEqual([...inMatrix].sort());
  });
});
