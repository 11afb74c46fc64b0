import type { Db } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { calendarFeeds, tasks, users } from '../db/schema.ts';
import { inProjectsOf } from '../projects/access.ts';
import type { CalendarFeedDto } from './model.ts';

const sha256 = (value: string) => new Bun.CryptoHasher('sha256').update(value).digest('hex');

/** At most this many events per feed: a feed is read often, and must cost the same every time. */
export const FEED_MAX_EVENTS = 5_000;

export async function getFeed(db: Db, userId: string): Promise<CalendarFeedDto> {
  const [row] = await db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId));
  return { active: !!row, prefix: row?.prefix ?? null, created_at: row?.createdAt.toISOString() ?? null };
}

/** Creates the user's feed token, replacing any earlier one (whose URL stops working at once). */
export async function createFeed(db: Db, userId: string, now: Date) {
  const token = `ttc_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
  const values = { tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: now };
  await db
    .insert(calendarFeeds)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: values });
  return { token, prefix: values.prefix, created_at: now.toISOString() };
}

export async function revokeFeed(db: Db, userId: string) {
  const rows = await db
    .delete(calendarFeeds)
    .where(eq(calendarFeeds.userId, userId))
    .returning({ userId: calendarFeeds.userId });
  if (!rows.length) throw new AppError('not_found', 'There is no calendar feed to revoke');
}

/** The feed behind a token: the owner's open tasks with a due time, as iCalendar text. */
export async function renderFeed(db: Db, token: string, now: Date): Promise<string> {
  const [feed] = await db
    .select({ userId: calendarFeeds.userId, name: users.displayName })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.tokenHash, sha256(token)));
  // Unknown and revoked look alike: a 404 tells a guesser nothing.
  if (!feed) throw new AppError('not_found', 'No such calendar feed');
  const rows = await db
    .select()
    .from(tasks)
    .where(
      and(
        // The tasks of the owner's projects (shared ones included), as the task list shows them.
        inProjectsOf(feed.userId),
        eq(tasks.status, 'open'),
        isNotNull(tasks.dueAt),
      ),
    )
    .orderBy(asc(tasks.dueAt), asc(tasks.id))
    .limit(FEED_MAX_EVENTS);
  // Imported on the first feed: ical-generator, its time-zone tables and luxon are held only by a
  // replica that serves calendars (the split build leaves them in a chunk of their own).
  const { buildCalendar } = await import('./ics.ts');
  return buildCalendar(
    rows.map((r) => ({ ...r, dueAt: r.dueAt as Date })),
    { name: `tasktide — ${feed.name}`, now },
  );
}
