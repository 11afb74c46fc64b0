/**
 * Moves a series' DTSTART forward by whole rule periods so rrule.js does not regenerate years of past
 * occurrences on every call (it always iterates from DTSTART: ~40 ms for ten years of a daily rule).
 *
 * Safe because a shift by k × INTERVAL periods keeps the interval phase, the weekday and the time of day,
 * and everything else rrule.js reads from DTSTART in our rules only filters out dates before it. The new
 * start is at or before the earliest possible occurrence of its period (day 1 of a month, Jan 1 of a
 * year), and that period starts no later than `skipWall`, so no occurrence at or after `skipWall` is lost.
 */
import type { RecurrenceRule } from './rule.ts';

const DAY_MS = 86_400_000;

/**
 * The DTSTART to hand rrule.js: `dtstart` itself, or a later one in the same phase whose period starts
 * at or before `skipWall` (all wall-clock values).
 */
export function fastForward(rule: RecurrenceRule, dtstart: Date, clamp: boolean, skipWall: number): Date {
  if (!Number.isFinite(skipWall) || skipWall <= dtstart.getTime()) return dtstart;
  const time = [dtstart.getUTCHours(), dtstart.getUTCMinutes(), dtstart.getUTCSeconds(), dtstart.getUTCMilliseconds()];
  const at = (year: number, month: number, day: number) => {
    const date = new Date(0);
    date.setUTCFullYear(year, month, day);
    date.setUTCHours(time[0] ?? 0, time[1] ?? 0, time[2] ?? 0, time[3] ?? 0);
    return date;
  };
  const skip = new Date(skipWall);
  const year = dtstart.getUTCFullYear();
  const month = dtstart.getUTCMonth();
  switch (rule.freq) {
    case 'DAILY':
    case 'WEEKLY': {
      const periodDays = rule.interval * (rule.freq === 'WEEKLY' ? 7 : 1);
      const days = Math.floor((skipWall - dtstart.getTime()) / DAY_MS);
      return new Date(dtstart.getTime() + Math.floor(days / periodDays) * periodDays * DAY_MS);
    }
    case 'MONTHLY': {
      const months = (skip.getUTCFullYear() - year) * 12 + skip.getUTCMonth() - month;
      const k = Math.floor(months / rule.interval);
      return k < 1 ? dtstart : at(year, month + k * rule.interval, 1);
    }
    case 'YEARLY': {
      const k = Math.floor((skip.getUTCFullYear() - year) / rule.interval);
      // A clamped yearly rule without BYMONTH takes its month from DTSTART, so keep it; otherwise Jan 1.
      const startMonth = clamp && rule.by.BYMONTH === undefined ? month : 0;
      return k < 1 ? dtstart : at(year + k * rule.interval, startMonth, 1);
    }
  }
}
