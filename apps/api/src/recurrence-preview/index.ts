import { Elysia } from 'elysia';
import { getUser } from '../accounts/service.ts';
import { requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { Preview, PreviewBody } from './model.ts';
import { previewRecurrence } from './service.ts';

/** `POST /recurrence/preview`: the next due dates of a rule, for the custom rule builder. */
export function recurrencePreviewRoutes(deps: ApiDeps) {
  return new Elysia({ prefix: '/recurrence', tags: ['tasks'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .post(
      '/preview',
      async ({ body, principal }) =>
        previewRecurrence({
          ...body,
          timezone: body.timezone ?? (await getUser(deps.db, principal.userId)).timezone,
        }),
      {
        body: PreviewBody,
        response: { 200: Preview },
        detail: { summary: 'The next due dates of a recurrence rule (nothing is saved)' },
      },
    );
}
