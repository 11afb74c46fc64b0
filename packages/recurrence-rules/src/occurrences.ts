/**
 * Next-occurrence and preview queries over a stored recurrence.
 */
import { parseInput } from './normalize.ts';
import type { RecurrenceRule } from './rule.ts';
import { walkSeries } from './series.ts';
import { assertTimeZone } from './zone.ts';

/** Where a series stands: the rule, its zone, and the current task's due date. */
export interface SeriesPosition {
  /** Stored (normalized) rule; a preset or raw RRULE is accepted too. */
  rule: string;
  /** Due instant of the current occurrence. */
  dueAt: Date;
  /** IANA zone the series is evaluated in (wall-clock time is kept in this zone). */
  timezone: string;
  /**
   * Due instant of the series' first occurrence (DTSTART). It fixes the INTERVAL phase and the day a
   * monthly/yearly rule clamps back to (Jan 31 → Feb 28 → Mar 31). Defaults to `dueAt`, which is only
   * right for the first occurrence: pass the first task's due date for every later one.
   */
  seriesStart?: Date;
  /** 0-based index of the current occurrence (the first task is 0); bounds COUNT. Defaults to 0. */
  occurrenceIndex?: number;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

function load(position: SeriesPosition): RecurrenceRule {
  const parsed = parseInput(position.rule);
  if (!parsed.ok) throw new RangeError(`Invalid recurrence rule: ${parsed.message}`);
  assertTimeZone(position.timezone);
  if (!isValidDate(position.dueAt)) throw new RangeError('dueAt must be a valid Date');
  if (position.seriesStart !== undefined && !isValidDate(position.seriesStart)) {
    throw new RangeError('seriesStart must be a valid Date');
  }
  const index = position.occurrenceIndex ?? 0;
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('occurrenceIndex must be an integer >= 0');
  return parsed.rule;
}

/** Occurrences left after the current one; COUNT counts tasks, the first (DTSTART) included (RFC 5545). */
function remainingAfterCurrent(rule: RecurrenceRule, occurrenceIndex = 0): number {
  return rule.count === undefined ? Number.POSITIVE_INFINITY : rule.count - occurrenceIndex - 1;
}

/**
 * The due instant of the occurrence after the current one: the first occurrence strictly after
 * `max(dueAt, after)`, or null when the series is over (COUNT used up, UNTIL passed). Occurrences missed
 * by a late completion (`after` = completion time) are skipped, not created as a backlog, and do not use
 * up COUNT: COUNT bounds the number of tasks, tracked by `occurrenceIndex`. Also null when no occurrence
 * is found within the search budget (about 80 years of days; see SEARCH_BUDGET).
 * Throws RangeError for an invalid rule, zone or date (stored rules have been normalized).
 *
 * @example
 * nextOccurrence({ rule: 'RRULE:FREQ=MONTHLY', timezone: 'Europe/Berlin',
 *   dueAt: new Date('2025-02-28T08:00:00Z'), seriesStart: new Date('2025-01-31T08:00:00Z'),
 *   occurrenceIndex: 1 }) // 2025-03-31T07:00:00.000Z (09:00 Berlin, summer time)
 */
export function nextOccurrence(opts: SeriesPosition & { after?: Date }): Date | null {
  const rule = load(opts);
  if (opts.after !== undefined && !isValidDate(opts.after)) throw new RangeError('after must be a valid Date');
  if (remainingAfterCurrent(rule, opts.occurrenceIndex) <= 0) return null;
  const threshold = Math.max(opts.dueAt.getTime(), opts.after?.getTime() ?? opts.dueAt.getTime());
  let next: Date | null = null;
  walkSeries(
    rule,
    opts.seriesStart ?? opts.dueAt,
    opts.timezone,
    (instant) => {
      if (instant.getTime() <= threshold) return true;
      next = instant;
      return false;
    },
    new Date(threshold),
  );
  return next;
}

/** Upper bound on a preview so a request cannot ask the engine for an unbounded walk. */
export const MAX_PREVIEW = 100;

/**
 * The next `count` due instants of the series from the current occurrence on: `dueAt` itself first when
 * the rule matches it, then the following occurrences; fewer when COUNT or UNTIL ends the series. `dueAt`
 * counts towards COUNT even when the rule does not match it, since it is a task of the series. A rule so
 * sparse that the search budget runs out (see SEARCH_BUDGET) yields a shorter list.
 *
 * @example
 * previewOccurrences({ rule: 'weekly', timezone: 'UTC', dueAt: new Date('2025-01-06T09:00:00Z'), count: 2 })
 * // [2025-01-06T09:00:00.000Z, 2025-01-13T09:00:00.000Z]
 */
export function previewOccurrences(opts: SeriesPosition & { count: number }): Date[] {
  const rule = load(opts);
  if (!Number.isSafeInteger(opts.count) || opts.count < 0 || opts.count > MAX_PREVIEW) {
    throw new RangeError(`count must be an integer from 0 to ${MAX_PREVIEW}`);
  }
  const dueAt = opts.dueAt.getTime();
  const remaining = remainingAfterCurrent(rule, opts.occurrenceIndex);
  const dates: Date[] = [];
  if (opts.count === 0 || remaining < 0) return dates;
  let limit = opts.count;
  walkSeries(
    rule,
    opts.seriesStart ?? opts.dueAt,
    opts.timezone,
    (instant) => {
      if (instant.getTime() < dueAt) return true;
      if (dates.length === 0) limit = Math.min(limit, instant.getTime() === dueAt ? remaining + 1 : remaining);
      if (dates.length < limit) dates.push(instant);
      return dates.length < limit;
    },
    opts.dueAt,
  );
  return dates;
}
