import { AppError } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { requireUser } from '../auth.ts';
import { type ApiDeps, actorOf, parseIfMatch } from '../context.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import { getTask, listTasks } from './list.ts';
import { CreateTaskBody, DeleteQuery, ListQuery, PatchTaskBody, Task, TaskPage, TaskParams } from './model.ts';
import { type Actor, completeTask, createTask, deleteTask, reopenTask, updateTask } from './service.ts';

function ifMatchOf(headers: Record<string, string | undefined>): number | undefined {
  const version = parseIfMatch(headers['if-match']);
  if (Number.isNaN(version)) {
    throw new AppError('validation_failed', 'If-Match must be the task version, e.g. "3"', {
      errors: [{ field: 'header:if-match', message: 'must be the task version, e.g. "3"' }],
    });
  }
  return version;
}

export function taskRoutes(deps: ApiDeps) {
  /** After the commit: wake the relay and count what the transaction emitted (nothing on a replay). */
  const committed = <T>(value: T, actor: Actor) => {
    deps.onOutboxWrite?.();
    deps.taskMetrics?.committed(actor.emitted ?? []);
    return value;
  };
  return new Elysia({ prefix: '/tasks', tags: ['tasks'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .onAfterHandle(({ response, set }) => {
      const version = (response as { version?: unknown } | undefined)?.version;
      if (typeof version === 'number') set.headers.etag = `"${version}"`;
    })
    .post(
      '/',
      async ({ body, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const task = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body },
          async (tx) => ({
            status: 201,
            body: await createTask(tx, actor, body),
          }),
        );
        set.headers.location = `/api/v1/tasks/${task.id}`;
        return committed(task, actor);
      },
      {
        body: CreateTaskBody,
        response: { 201: Task },
        detail: {
          summary: 'Create a task (in my Inbox unless project_id names another of my projects)',
          'x-problems': [403, 422],
        },
      },
    )
    .get('/', ({ query, principal }) => listTasks(deps.db, principal.userId, query, deps.clock.now()), {
      query: ListQuery,
      response: { 200: TaskPage },
      detail: { summary: 'Search, filter, sort and page through tasks' },
    })
    .get('/:id', ({ params, principal }) => getTask(deps.db, principal.userId, params.id), {
      params: TaskParams,
      response: { 200: Task },
      detail: { summary: 'Get a task' },
    })
    .patch(
      '/:id',
      async ({ params, body, headers, request, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        return committed(await updateTask(deps.db, actor, params.id, body, ifMatchOf(headers)), actor);
      },
      {
        params: TaskParams,
        body: PatchTaskBody,
        response: { 200: Task },
        detail: {
          summary: 'Change a task (send If-Match: "<version>" to avoid overwriting a newer change)',
          'x-problems': [403, 412],
        },
      },
    )
    .post(
      '/:id/complete',
      async ({ params, headers, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const task = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body: null },
          async (tx) => ({ status: 200, body: await completeTask(tx, actor, params.id, ifMatchOf(headers)) }),
        );
        return committed(task, actor);
      },
      {
        params: TaskParams,
        response: { 200: Task },
        detail: { summary: 'Complete a task (recurring: the next one follows)', 'x-problems': [403, 412, 422] },
      },
    )
    .post(
      '/:id/reopen',
      async ({ params, headers, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const task = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body: null },
          async (tx) => ({ status: 200, body: await reopenTask(tx, actor, params.id, ifMatchOf(headers)) }),
        );
        return committed(task, actor);
      },
      {
        params: TaskParams,
        response: { 200: Task },
        detail: { summary: 'Reopen a completed task', 'x-problems': [403, 409, 412, 422] },
      },
    )
    .delete(
      '/:id',
      async ({ params, query, headers, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await deleteTask(deps.db, actor, params.id, query.scope, ifMatchOf(headers));
        committed(null, actor);
        set.status = 204;
      },
      {
        params: TaskParams,
        query: DeleteQuery,
        detail: { summary: 'Delete a task, or with scope=series its whole future', 'x-problems': [403, 412] },
      },
    );
}
