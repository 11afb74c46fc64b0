import { AppError, formatTraceparent, requestContext } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { getUser } from '../accounts/service.ts';
import type { ApiDeps } from '../context.ts';
import { toSnapshot } from '../tasks/dto.ts';

import {
  ElapsedQuery,
  IdParams,
  NextOccurrenceBody,
  ResolveTokenBody,
  ScheduledOccurrenceBody,
  UserQuery,
} from './model.ts';
import {
  createNextOccurrence,
  createScheduledOccurrence,
  getTaskForUser,
  listElapsedOccurrences,
  type NextOccurrenceResult,
} from './service.ts';

/** 201 with the created occurrence, 200 with the one that already follows (counted once). */
function answer(
  deps: Pick<ApiDeps, 'onOutboxWrite' | 'taskMetrics'>,
  result: NextOccurrenceResult,
  set: { status?: number | string },
) {
  if (result.status === 'created') {
    deps.onOutboxWrite?.();
    deps.taskMetrics?.committed(['task.created'], 'recurrence');
  }
  set.status = result.status === 'created' ? 201 : 200;
  return { status: result.status, task: toSnapshot(result.task) };
}

/**
 * Routes other services call through Dapr service invocation. Never exposed by the ingress; when
 * APP_API_TOKEN is set (clusters), daprd must present it as `dapr-api-token`.
 */
export function internalRoutes(deps: ApiDeps) {
  return (
    new Elysia({ prefix: '/internal', detail: { hide: true } })
      .onBeforeHandle(({ headers }) => {
        const expected = deps.config.APP_API_TOKEN;
        if (expected && headers['dapr-api-token'] !== expected) {
          throw new AppError('forbidden', 'Internal routes are only reachable through the Dapr sidecar');
        }
      })
      .post(
        '/auth/resolve',
        async ({ body }) => {
          // An unknown token is an answer, not a failure: daprd's invokeBreaker counts every non-2xx
          // reply, so a 401 here would let anyone with a few made-up tokens open it for every caller.
          const principal = await deps.authenticate(`Bearer ${body.token}`).catch((err: unknown) => {
            if (err instanceof AppError && err.code === 'unauthenticated') return null;
            throw err;
          });
          return principal ? { user_id: principal.userId, via: principal.via } : { user_id: null };
        },
        { body: ResolveTokenBody },
      )
      // The notifier asks for the user's zone: quiet hours are in it.
      .get(
        '/users/:id',
        async ({ params }) => {
          const user = await getUser(deps.db, params.id).catch(() => {
            throw new AppError('not_found', 'No such user');
          });
          return { user_id: user.id, timezone: user.timezone };
        },
        { params: IdParams },
      )
      .get(
        '/tasks/:id',
        async ({ params, query }) => toSnapshot(await getTaskForUser(deps.db, query.user_id, params.id)),
        {
          params: IdParams,
          query: UserQuery,
        },
      )
      .post(
        '/tasks/:id/next-occurrence',
        async ({ params, body, request, set }) => {
          const ctx = requestContext(request);
          const result = await createNextOccurrence(
            deps.db,
            {
              parentId: params.id,
              userId: body.user_id,
              sourceEventId: body.source_event_id,
              dueAt: new Date(body.due_at),
              completedAt: body.completed_at ? new Date(body.completed_at) : undefined,
            },
            // The recurrence service passes the completed event's correlation and trace along.
            ctx
              ? { correlationId: ctx.correlationId, traceparent: formatTraceparent(ctx.trace), at: deps.clock.now() }
              : { correlationId: body.source_event_id, at: deps.clock.now() },
          );
          return answer(deps, result, set);
        },
        { params: IdParams, body: NextOccurrenceBody },
      )
      // The recurrence service's job (or sweep) for a series on schedule: the due time has passed.
      .post(
        '/tasks/:id/scheduled-occurrence',
        async ({ params, body, request, set }) => {
          const ctx = requestContext(request);
          const at = deps.clock.now();
          const result = await createScheduledOccurrence(
            deps.db,
            { parentId: params.id, userId: body.user_id, dueAt: new Date(body.due_at) },
            ctx
              ? { correlationId: ctx.correlationId, traceparent: formatTraceparent(ctx.trace), at }
              : { correlationId: params.id, at },
          );
          return answer(deps, result, set);
        },
        { params: IdParams, body: ScheduledOccurrenceBody },
      )
      .get(
        '/recurrence/elapsed',
        async ({ query }) => {
          const rows = await listElapsedOccurrences(deps.db, {
            before: new Date(query.before),
            after:
              query.after_due_at && query.after_id
                ? { dueAt: new Date(query.after_due_at), id: query.after_id }
                : undefined,
            limit: query.limit ?? 100,
          });
          return { items: rows.map((row) => ({ user_id: row.userId, task: toSnapshot(row) })) };
        },
        { query: ElapsedQuery },
      )
  );
}
