import type { Db } from '@tasktide/db';
import type { Invoker } from '@tasktide/platform';
import type { Authenticate, Clock } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { Preferences, PutPreferencesBody } from './model.ts';
import { loadRouting, savePreferences, toPreferencesDto, userZone } from './service.ts';

/** Notification preferences: which kinds go where, and quiet hours. */
export function preferenceRoutes(deps: { db: Db; authenticate: Authenticate; invoker: Invoker; clock: Clock }) {
  const read = async (userId: string) =>
    toPreferencesDto(await loadRouting(deps.db, userId), await userZone(deps.invoker, userId));
  return (
    new Elysia({
      prefix: '/api/v1/notifications/preferences',
      tags: ['notifications'],
      detail: { security: [{ bearer: [] }] },
    })
      // derive, not resolve: authentication runs before body validation, so anonymous calls get 401.
      .derive(async ({ headers }) => ({ principal: await deps.authenticate(headers.authorization) }))
      .get('/', ({ principal }) => read(principal.userId), {
        response: { 200: Preferences },
        detail: { summary: 'Your notification preferences (defaults until you save some)' },
      })
      .put(
        '/',
        async ({ body, principal }) => {
          await savePreferences(deps.db, principal.userId, body, deps.clock.now());
          return read(principal.userId);
        },
        {
          body: PutPreferencesBody,
          response: { 200: Preferences },
          detail: {
            summary:
              'Choose which kinds reach the inbox and each webhook, and quiet hours (in your time zone) during which notifications wait',
          },
        },
      )
  );
}
