import { Elysia } from 'elysia';
import { requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { CalendarFeed, CreatedCalendarFeed, FeedFileParams } from './model.ts';
import { createFeed, getFeed, renderFeed, revokeFeed } from './service.ts';

const FEED_PREFIX = '/api/v1/calendar/';

/** The absolute URL of a path, as the caller reached us (the ingress sets X-Forwarded-*). */
function absolute(request: Request, path: string, trustedHops: number): string {
  const url = new URL(request.url);
  if (trustedHops > 0) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
    if (proto === 'https' || proto === 'http') url.protocol = `${proto}:`;
    if (host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) url.host = host;
  }
  return `${url.origin}${path}`;
}

/**
 * The calendar feed: a secret iCalendar URL per user (create = rotate, revoke) managed with a bearer
 * token, and the feed itself, which calendar apps fetch without one — the URL is the credential.
 */
export function calendarRoutes(deps: ApiDeps) {
  const manage = new Elysia({ prefix: '/calendar/feed', tags: ['calendar'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .get('/', ({ principal }) => getFeed(deps.db, principal.userId), {
      response: { 200: CalendarFeed },
      detail: { summary: 'Whether you have a calendar feed (its URL is shown only when created)' },
    })
    .post(
      '/',
      async ({ principal, request, set }) => {
        const feed = await createFeed(deps.db, principal.userId, deps.clock.now());
        const path = `${FEED_PREFIX}${feed.token}.ics`;
        set.status = 201;
        return {
          url: absolute(request, path, deps.config.TRUSTED_PROXY_HOPS),
          path,
          prefix: feed.prefix,
          created_at: feed.created_at,
        };
      },
      {
        response: { 201: CreatedCalendarFeed },
        detail: { summary: 'Create your secret calendar URL (shown once); an earlier one stops working' },
      },
    )
    .delete(
      '/',
      async ({ principal, set }) => {
        await revokeFeed(deps.db, principal.userId);
        set.status = 204;
      },
      // (the cast: Elysia types `detail` narrowly on a route without a schema; x-problems is ours)
      { detail: { summary: 'Revoke your calendar URL', 'x-problems': [404] } as { summary: string } },
    );

  const feed = new Elysia({ prefix: '/calendar', tags: ['calendar'] }).get(
    '/:file',
    async ({ params }) => {
      const text = await renderFeed(deps.db, params.file.slice(0, -'.ics'.length), deps.clock.now());
      return new Response(text, {
        headers: {
          'content-type': 'text/calendar; charset=utf-8',
          'cache-control': 'private, max-age=300',
          // The URL is a secret: keep it out of other sites' Referer headers and out of search engines.
          'referrer-policy': 'no-referrer',
          'x-robots-tag': 'noindex',
        },
      });
    },
    {
      params: FeedFileParams,
      detail: {
        summary:
          'Your open tasks with due dates as iCalendar (RFC 5545): recurring ones as one event with RRULE and time zone, reminders as alarms. No Authorization: the URL is the secret',
        'x-problems': [404],
        responses: {
          200: {
            description: 'The calendar',
            content: { 'text/calendar': { schema: { type: 'string' } } },
          },
        },
      },
    },
  );
  return new Elysia().use(feed).use(manage);
}
