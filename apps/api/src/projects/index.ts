import { Elysia } from 'elysia';
import { requireUser } from '../auth.ts';
import { type ApiDeps, actorOf } from '../context.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import type { Actor } from '../tasks/service.ts';
import { answerInvitation, changeRole, invite, listInvitations, listMembers, removeMember } from './members.ts';
import {
  CreateProjectBody,
  InvitationList,
  InvitationParams,
  InviteBody,
  Member,
  MemberList,
  MemberParams,
  PatchMemberBody,
  PatchProjectBody,
  Project,
  ProjectList,
  ProjectParams,
} from './model.ts';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './service.ts';

const roles =
  'Roles: viewer (read, comment), editor (also change tasks), admin (also settings and members). ' +
  'A project you are not an active member of answers 404; a role that does not allow the action answers 403.';

/** Projects, their members and invitations. Every check goes through projects/access.ts → @tasktide/access. */
export function projectRoutes(deps: ApiDeps) {
  const committed = <T>(value: T, actor: Actor) => {
    deps.onOutboxWrite?.();
    deps.taskMetrics?.committed(actor.emitted ?? []);
    return value;
  };
  const security = { security: [{ bearer: [] }] };
  return new Elysia({ tags: ['projects'], detail: security })
    .use(requireUser(deps))
    .get('/projects', async ({ principal }) => ({ items: await listProjects(deps.db, principal.userId) }), {
      response: { 200: ProjectList },
      detail: { summary: 'My projects (with my role and sidebar position), in sidebar order', description: roles },
    })
    .post(
      '/projects',
      async ({ body, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const project = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body },
          async (tx) => ({ status: 201, body: await createProject(tx, actor, body) }),
        );
        set.headers.location = `/api/v1/projects/${project.id}`;
        return committed(project, actor);
      },
      {
        body: CreateProjectBody,
        response: { 201: Project },
        detail: { summary: 'Create a project (I become its admin)', 'x-problems': [422] },
      },
    )
    .get('/projects/:id', ({ params, principal }) => getProject(deps.db, principal.userId, params.id), {
      params: ProjectParams,
      response: { 200: Project },
      detail: { summary: 'Get a project' },
    })
    .patch(
      '/projects/:id',
      async ({ params, body, request, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        return committed(await updateProject(deps.db, actor, params.id, body), actor);
      },
      {
        params: ProjectParams,
        body: PatchProjectBody,
        response: { 200: Project },
        detail: {
          summary: 'Rename, recolour, archive/restore (admin); position: my own sidebar order (any member)',
          description: 'The Inbox cannot be archived (409).',
          'x-problems': [403, 409],
        },
      },
    )
    .delete(
      '/projects/:id',
      async ({ params, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await deleteProject(deps.db, actor, params.id);
        committed(null, actor);
        set.status = 204;
      },
      {
        params: ProjectParams,
        detail: {
          summary: 'Delete a project and every task in it (admin)',
          description:
            'Destructive: every task of the project is deleted (each with a task.deleted event, so its reminders and ' +
            'recurrence stop) and its comments with it. To keep the tasks, archive the project instead ' +
            '(PATCH {"archived": true}). The Inbox cannot be deleted (409).',
          'x-problems': [403, 409],
        },
      },
    )
    .get(
      '/projects/:id/members',
      async ({ params, principal }) => ({
        items: await listMembers(deps.db, principal.userId, params.id),
      }),
      {
        params: ProjectParams,
        response: { 200: MemberList },
        detail: { summary: 'Members and pending invitations of a project (any member)' },
      },
    )
    .post(
      '/projects/:id/invitations',
      async ({ params, body, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const invited = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body },
          async (tx) => ({ status: 201, body: await invite(tx, actor, params.id, body) }),
        );
        return committed(invited, actor);
      },
      {
        params: ProjectParams,
        body: InviteBody,
        response: { 201: Member },
        detail: {
          summary: 'Invite an existing user by email (admin)',
          description:
            'No account with the email → 404. Already a member or invited → 409. The Inbox is personal and cannot be shared → 409.',
          'x-problems': [403, 409, 422],
        },
      },
    )
    .patch(
      '/projects/:id/members/:userId',
      async ({ params, body, request, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        return committed(await changeRole(deps.db, actor, params.id, params.userId, body.role), actor);
      },
      {
        params: MemberParams,
        body: PatchMemberBody,
        response: { 200: Member },
        detail: {
          summary: "Change a member's role (admin); the last admin cannot be demoted (409)",
          'x-problems': [403, 409],
        },
      },
    )
    .delete(
      '/projects/:id/members/:userId',
      async ({ params, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await removeMember(deps.db, actor, params.id, params.userId);
        committed(null, actor);
        set.status = 204;
      },
      {
        params: MemberParams,
        detail: {
          summary: 'Remove a member or withdraw an invitation (admin), or leave (my own user id; any member)',
          description:
            "The member's tasks in the project are unassigned. The last admin cannot leave (409): make someone else admin first.",
          'x-problems': [403, 409],
        },
      },
    )
    .get('/invitations', async ({ principal }) => ({ items: await listInvitations(deps.db, principal.userId) }), {
      response: { 200: InvitationList },
      detail: { summary: 'My pending invitations' },
    })
    .post(
      '/invitations/:projectId/accept',
      async ({ params, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await idempotentPost(deps.db, { request, set, scope: `user:${principal.userId}`, body: null }, async (tx) => {
          await answerInvitation(tx, actor, params.projectId, true);
          return { status: 204, body: null };
        });
        committed(null, actor);
      },
      {
        params: InvitationParams,
        detail: { summary: 'Accept an invitation: I become an active member', 'x-problems': [422] },
      },
    )
    .post(
      '/invitations/:projectId/decline',
      async ({ params, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await idempotentPost(deps.db, { request, set, scope: `user:${principal.userId}`, body: null }, async (tx) => {
          await answerInvitation(tx, actor, params.projectId, false);
          return { status: 204, body: null };
        });
        committed(null, actor);
      },
      { params: InvitationParams, detail: { summary: 'Decline an invitation', 'x-problems': [422] } },
    );
}
