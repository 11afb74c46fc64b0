/**
 * "Nobody ever sees a task outside their projects", as a property: random sequences of sharing
 * commands (create, invite + accept, change a role, leave, remove, delete a project, create and
 * move tasks) run against the api and a plain model of who is a member of what; after every step
 * each user's task list is exactly the tasks of the projects they are an active member of, and
 * every other task is a 404 to them. Statuses are checked against the same model (and `can`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { can, type Role } from '@tasktide/access';
import { dbKinds } from '@tasktide/db/testing';
import fc from 'fast-check';
import { createTestApi, type TestApi } from '../testing.ts';

type User = Awaited<ReturnType<TestApi['signUp']>>;
interface ModelProject {
  id: string;
  inbox: boolean;
  members: Map<number, Role>;
}
interface Model {
  projects: ModelProject[];
  tasks: Map<string, string>;
}

const roles: Role[] = ['viewer', 'editor', 'admin'];
const who = fc.integer({ min: 0, max: 2 });
const pick = fc.nat(20);
const action = fc.oneof(
  fc.record({ kind: fc.constant('project' as const), by: who }),
  fc.record({ kind: fc.constant('share' as const), by: who, project: pick, to: who, role: fc.constantFrom(...roles) }),
  fc.record({ kind: fc.constant('role' as const), by: who, project: pick, to: who, role: fc.constantFrom(...roles) }),
  fc.record({ kind: fc.constant('remove' as const), by: who, project: pick, to: who }),
  fc.record({ kind: fc.constant('deleteProject' as const), by: who, project: pick }),
  fc.record({ kind: fc.constant('task' as const), by: who, project: pick }),
  fc.record({ kind: fc.constant('move' as const), by: who, task: pick, project: pick }),
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

describe.each(dbKinds())('task visibility under random sharing on %s', (kind) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(kind);
  }, 120_000);
  afterAll(() => api.close());
  const call = (method: string, path: string, user: User, body?: unknown) =>
    api.call(method, `/api/v1${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });

  async function step(a: Action, users: User[], m: Model) {
    const by = users[a.by] as User;
    const project = 'project' in a ? m.projects[a.project % m.projects.length] : undefined;
    const role = project?.members.get(a.by) ?? null;
    const admins = (p: ModelProject) => [...p.members.values()].filter((r) => r === 'admin').length;
    switch (a.kind) {
      case 'project': {
        const res = await call('POST', '/projects', by, { name: 'p' });
        expect(res.status).toBe(201);
        m.projects.push({ id: res.body.id, inbox: false, members: new Map([[a.by, 'admin']]) });
        return;
      }
      case 'share': {
        const p = project as ModelProject;
        const res = await call('POST', `/projects/${p.id}/invitations`, by, {
          email: users[a.to]?.email,
          role: a.role,
        });
        const expected = !can(role, 'project.read')
          ? 404
          : !can(role, 'members.manage')
            ? 403
            : p.inbox || p.members.has(a.to)
              ? 409
              : 201;
        expect(res.status).toBe(expected);
        if (expected !== 201) return;
        expect((await call('POST', `/invitations/${p.id}/accept`, users[a.to] as User)).status).toBe(204);
        p.members.set(a.to, a.role);
        return;
      }
      case 'role': {
        const p = project as ModelProject;
        const target = p.members.get(a.to);
        const res = await call('PATCH', `/projects/${p.id}/members/${users[a.to]?.userId}`, by, { role: a.role });
        const demotesLast = target === 'admin' && a.role !== 'admin' && admins(p) === 1;
        const expected = !can(role, 'project.read')
          ? 404
          : !can(role, 'members.manage')
            ? 403
            : !target
              ? 404
              : demotesLast
                ? 409
                : 200;
        expect(res.status).toBe(expected);
        if (expected === 200) p.members.set(a.to, a.role);
        return;
      }
      case 'remove': {
        const p = project as ModelProject;
        const target = p.members.get(a.to);
        const self = a.to === a.by;
        const res = await call('DELETE', `/projects/${p.id}/members/${users[a.to]?.userId}`, by);
        const expected = !can(role, 'project.read')
          ? 404
          : !self && !can(role, 'members.manage')
            ? 403
            : !target
              ? 404
              : target === 'admin' && admins(p) === 1
                ? 409
                : 204;
        expect(res.status).toBe(expected);
        if (expected === 204) p.members.delete(a.to);
        return;
      }
      case 'deleteProject': {
        const p = project as ModelProject;
        const res = await call('DELETE', `/projects/${p.id}`, by);
        const expected = !can(role, 'project.read') ? 404 : !can(role, 'project.delete') ? 403 : p.inbox ? 409 : 204;
        expect(res.status).toBe(expected);
        if (expected !== 204) return;
        m.projects.splice(m.projects.indexOf(p), 1);
        for (const [task, pid] of m.tasks) if (pid === p.id) m.tasks.delete(task);
        return;
      }
      case 'task': {
        const p = project as ModelProject;
        const res = await call('POST', '/tasks', by, { title: 't', project_id: p.id });
        const expected = !can(role, 'project.read') ? 400 : !can(role, 'task.write') ? 403 : 201;
        expect(res.status).toBe(expected);
        if (expected === 201) m.tasks.set(res.body.id, p.id);
        return;
      }
      case 'move': {
        const ids = [...m.tasks.keys()];
        if (!ids.length) return;
        const task = ids[a.task % ids.length] as string;
        const from = m.projects.find((p) => p.id === m.tasks.get(task)) as ModelProject;
        const to = m.projects[a.project % m.projects.length] as ModelProject;
        const [rf, rt] = [from.members.get(a.by) ?? null, to.members.get(a.by) ?? null];
        const res = await call('PATCH', `/tasks/${task}`, by, { project_id: to.id });
        const expected = !can(rf, 'task.read')
          ? 404
          : !can(rf, 'task.write')
            ? 403
            : from === to
              ? 200
              : !can(rt, 'project.read')
                ? 400
                : !can(rt, 'task.write')
                  ? 403
                  : 200;
        expect(res.status).toBe(expected);
        if (expected === 200) m.tasks.set(task, to.id);
        return;
      }
    }
  }

  async function visibleMatchesModel(users: User[], m: Model) {
    for (const [i, user] of users.entries()) {
      const mine = new Set(m.projects.filter((p) => p.members.has(i)).map((p) => p.id));
      const expected = [...m.tasks].filter(([, pid]) => mine.has(pid)).map(([id]) => id);
      const listed = (await call('GET', '/tasks?limit=100', user)).body.items.map((t: { id: string }) => t.id);
      expect(listed.sort()).toEqual(expected.sort());
      for (const [id, pid] of m.tasks) {
        if (!mine.has(pid)) expect((await call('GET', `/tasks/${id}`, user)).status).toBe(404);
      }
    }
  }

  test('after every step, each user sees exactly the tasks of their projects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const users = [await api.signUp(), await api.signUp(), await api.signUp()];
        const m: Model = { projects: [], tasks: new Map() };
        for (const [i, u] of users.entries()) {
          const inbox = (await call('GET', '/projects', u)).body.items[0];
          m.projects.push({ id: inbox.id, inbox: true, members: new Map([[i, 'admin']]) });
        }
        for (const a of actions) {
          await step(a, users, m);
          await visibleMatchesModel(users, m);
        }
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
