import type { Db } from '@tasktide/db';
import type { Authenticate } from '@tasktide/service-kit';
import { Elysia, t } from 'elysia';
import { IdParams, ListQuery, Notification, NotificationPage } from './model.ts';
import { listNotifications, markAllRead, markRead } from './service.ts';

/** The in-app inbox (served by the notifier; the ingress routes /api/v1/notifications here). */
export function inboxRoutes(deps: { db: Db; authenticate: Authenticate }) {
  return (
    new Elysia({
      prefix: '/api/v1/notifications',
      tags: ['notifications'],
      detail: { security: [{ bearer: [] }] },
    })
      // derive, not resolve: authentication runs before body validation, so anonymous calls get 401.
      .derive(async ({ headers }) => ({ principal: await deps.authenticate(headers.authorization) }))
      .get('/', ({ query, principal }) => listNotifications(deps.db, principal.userId, query), {
        query: ListQuery,
        response: { 200: NotificationPage },
        detail: { summary: 'List notifications, newest first, with the unread count' },
      })
      .post('/:id/read', ({ params, principal }) => markRead(deps.db, principal.userId, params.id), {
        params: IdParams,
        response: { 200: Notification },
        detail: { summary: 'Mark one notification read' },
      })
      .post('/read-all', ({ principal }) => markAllRead(deps.db, principal.userId), {
        response: { 200: t.Object({ marked: t.Integer() }) },
        detail: { summary: 'Mark every notification read' },
      })
  );
}
