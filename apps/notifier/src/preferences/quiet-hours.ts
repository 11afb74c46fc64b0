import { fromWallClock, toWallClock } from '@tasktide/recurrence-rules/zone';

/** `HH:MM` → minutes after midnight. */
export const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** Minutes after midnight → `HH:MM`. */
export const toHhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * When the quiet hours that `now` falls in end, or null when it is not quiet. The window is read in
 * the user's zone each day (22:00–07:00 spans midnight); the end is the next local `end` after now,
 * so a DST change inside the window still ends it at the wall-clock time the user chose.
 *
 * @example
 * quietUntil(new Date('2030-01-07T22:30:00Z'), 'UTC', 22 * 60, 7 * 60) // 2030-01-08T07:00:00Z
 */
export function quietUntil(now: Date, zone: string, start: number, end: number): Date | null {
  if (start === end) return null;
  const wall = toWallClock(now, zone);
  const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  const endsTomorrow = minute >= end; // only in a window that spans midnight, before midnight
  const endWall = new Date(
    Date.UTC(
      wall.getUTCFullYear(),
      wall.getUTCMonth(),
      wall.getUTCDate() + (endsTomorrow ? 1 : 0),
      Math.floor(end / 60),
      end % 60,
    ),
  );
  const until = fromWallClock(endWall, zone);
  // A wall time inside a spring-forward gap maps forward; never release before now.
  return until > now ? until : new Date(now.getTime() + 60_000);
}
