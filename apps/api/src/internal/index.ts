import { AppError, formatTraceparent, requestContext } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { getUser } from '../accounts/service.ts';
import type { ApiDeps } from '../context.ts';
import { toSnapshot } from '../tasks/dto.ts';

import { IdParams, NextOccurrenceBody, ResolveTokenBody, UserQuery } from './model.ts';
import { createNextOccurrence, getTaskForUser } from './service.ts';

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
          if (result.status === 'created') {
            deps.onOutboxWrite?.();
            deps.taskMetrics?.committed(['task.created'], 'recurrence');
          }
          set.status = result.status === 'created' ? 201 : 200;
          return { status: result.status, task: toSnapshot(result.task) };
        },
        { params: IdParams, body: NextOccurrenceBody },
      )
  );
}
