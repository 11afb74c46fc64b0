/**
 * Walks the occurrences of a validated rule as instants, evaluated in the series' IANA zone.
 *
 * rrule.js runs on wall-clock values (see zone.ts), so DST never moves the local time: each occurrence
 * is converted to an instant afterwards. COUNT is not handed to rrule.js — callers bound the series by
 * occurrence index — and UNTIL and EXDATE are applied here because they depend on the zone.
 */
import { RRule } from 'rrule';
import { fastForward } from './fast-forward.ts';
import type { RecurrenceRule } from './rule.ts';
import { ruleParts } from './rule.ts';
import { fromWallClock, toWallClock } from './zone.ts';

const DAY_MS = 86_400_000;

/**
 * rrule.js stops only at a produced date or at year 9999, so a rule that matches nothing (FREQ=DAILY;
 * INTERVAL=7;BYDAY=MO anchored on a Tuesday) spins ~15 s. Its loop reads the rule options on every step,
 * so counting those reads bounds the work deterministically: 500k reads is ~80 years of a daily search
 * (~0.25 s) or ~190 years of a yearly one. Running out ends the walk as if the series had ended.
 */
export const SEARCH_BUDGET = 500_000;

class SearchBudgetExhausted extends Error {}

function withSearchBudget(rrule: RRule): RRule {
  let reads = 0;
  rrule.options = new Proxy(rrule.options, {
    get(target, key, receiver) {
      if (++reads > SEARCH_BUDGET) throw new SearchBudgetExhausted();
      return Reflect.get(target, key, receiver);
    },
  });
  return rrule;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * Monthly/yearly rules that do not name the day take it from the series start (RFC 5545), and RFC
 * semantics would skip months without that day (no Feb 31, no Feb 29 in 2027). Product rule: clamp to
 * the month's last day instead, and return to the anchor day when the month has it.
 */
function clampsToMonthEnd(rule: RecurrenceRule): boolean {
  const { BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO } = rule.by;
  const namesDay = [BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO].some((p) => p !== undefined);
  return (rule.freq === 'MONTHLY' || rule.freq === 'YEARLY') && !namesDay;
}

function dayKey(wall: Date): string {
  return wall.toISOString().slice(0, 10);
}

function exclusions(rule: RecurrenceRule) {
  const days = new Set<string>();
  const wallTimes = new Set<number>();
  const instants = new Set<number>();
  for (const ex of rule.exdates) {
    if (ex.kind === 'date') days.add(dayKey(ex.value));
    else if (ex.kind === 'local') wallTimes.add(ex.value.getTime());
    else instants.add(ex.value.getTime());
  }
  // EXDATE has second precision; occurrences inherit the anchor's milliseconds, so compare whole seconds.
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
  return (wall: Date, instant: Date) =>
    days.has(dayKey(wall)) || wallTimes.has(seconds(wall)) || instants.has(seconds(instant));
}

function untilCheck(rule: RecurrenceRule): (wall: Date, instant: Date) => boolean {
  const until = rule.until;
  if (!until) return () => false;
  // A DATE value includes its whole local day; a floating value is read in the series zone.
  if (until.kind === 'date') return (wall) => wall.getTime() >= until.value.getTime() + DAY_MS;
  if (until.kind === 'local') return (wall) => wall.getTime() > until.value.getTime();
  return (_wall, instant) => instant.getTime() > until.value.getTime();
}

/**
 * Calls `visit` with each occurrence instant from `anchor` on (the anchor itself when it matches), in
 * order, until `visit` returns false, the series ends (UNTIL) or SEARCH_BUDGET runs out. COUNT is the
 * caller's job.
 * Occurrences more than two days before `skipBefore` are not generated (see fast-forward.ts) nor converted
 * or visited: that is safe because a zone's offsets differ by far less than two days.
 */
export function walkSeries(
  rule: RecurrenceRule,
  anchor: Date,
  timeZone: string,
  visit: (instant: Date) => boolean,
  skipBefore?: Date,
): void {
  const skipWall = skipBefore ? toWallClock(skipBefore, timeZone).getTime() - 2 * DAY_MS : Number.NEGATIVE_INFINITY;
  const anchorWall = toWallClock(anchor, timeZone);
  const clamp = clampsToMonthEnd(rule);
  const anchorDay = anchorWall.getUTCDate();
  const dtstart = new Date(anchorWall);
  // Generate the 1st of each matching month and move it to the clamped anchor day below.
  if (clamp) dtstart.setUTCDate(1);
  const options = RRule.parseString(ruleParts(rule, false).join(';'));
  const rrule = withSearchBudget(new RRule({ ...options, dtstart: fastForward(rule, dtstart, clamp, skipWall) }, true));
  const isExcluded = exclusions(rule);
  const isPastUntil = untilCheck(rule);

  try {
    rrule.all(step);
  } catch (error) {
    if (!(error instanceof SearchBudgetExhausted)) throw error;
  }

  function step(generated: Date): boolean {
    const wall = new Date(generated);
    if (clamp) {
      const lastDay = daysInMonth(wall.getUTCFullYear(), wall.getUTCMonth());
      wall.setUTCDate(Math.min(anchorDay, lastDay));
    }
    if (wall.getTime() < skipWall) return true;
    const instant = fromWallClock(wall, timeZone);
    if (isPastUntil(wall, instant)) return false;
    if (isExcluded(wall, instant)) return true;
    return visit(instant);
  }
}
