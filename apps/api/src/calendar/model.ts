import { t } from 'elysia';

/** The feed token: `ttc_` and 43 base64url characters (32 random bytes). */
export const FEED_TOKEN_PATTERN = '^ttc_[A-Za-z0-9_-]{43}$';

export const CalendarFeed = t.Object({
  active: t.Boolean({ description: 'Whether a feed URL exists (it is shown only when created)' }),
  prefix: t.Union([t.String(), t.Null()], { description: 'First characters of the token, to recognise the URL' }),
  created_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
});

export const CreatedCalendarFeed = t.Object({
  url: t.String({
    description: 'Secret iCalendar URL to subscribe to; shown once. Anyone with it can read your open tasks',
  }),
  path: t.String({ description: 'The same, relative to this origin' }),
  prefix: t.String(),
  created_at: t.String({ format: 'date-time' }),
});

export const FeedFileParams = t.Object({
  file: t.String({
    pattern: '^ttc_[A-Za-z0-9_-]{43}\\.ics$',
    maxLength: 60,
    description: 'The feed token followed by .ics',
  }),
});

export type CalendarFeedDto = typeof CalendarFeed.static;
