/**
 * Presets and the canonical stored form of a recurrence.
 */
import { formatRecurrence, parseRecurrence, type RecurrenceRule } from './rule.ts';
import { walkSeries } from './series.ts';

/** The preset names the UI offers; each maps to a bare RRULE whose day comes from the series start. */
export const PRESETS = {
  daily: 'RRULE:FREQ=DAILY',
  weekly: 'RRULE:FREQ=WEEKLY',
  monthly: 'RRULE:FREQ=MONTHLY',
  yearly: 'RRULE:FREQ=YEARLY',
} as const;

export type Preset = keyof typeof PRESETS;

export type NormalizeResult = { ok: true; rule: string } | { ok: false; message: string };

/**
 * Rules can name dates that never exist (BYMONTH=2;BYMONTHDAY=30): refuse them at write time rather than
 * store a series with no next task. INTERVAL and UNTIL are left out because they depend on the due date.
 */
function producesADate(rule: RecurrenceRule): boolean {
  let found = false;
  // 2000-01-01 starts a leap year, so leap days and week 53 are reachable.
  walkSeries({ ...rule, interval: 1, until: undefined, exdates: [] }, new Date(Date.UTC(2000, 0, 1)), 'UTC', () => {
    found = true;
    return false;
  });
  return found;
}

/** Parses a preset or RRULE into the validated rule, or says what is wrong. */
export function parseInput(input: string): { ok: true; rule: RecurrenceRule } | { ok: false; message: string } {
  const preset = typeof input === 'string' ? input.trim().toLowerCase() : '';
  const parsed = parseRecurrence(Object.hasOwn(PRESETS, preset) ? PRESETS[preset as Preset] : input);
  if (!parsed.ok) return parsed;
  if (!producesADate(parsed.value)) return { ok: false, message: 'The rule never produces a date' };
  return { ok: true, rule: parsed.value };
}

/**
 * Validates a preset (`daily`, `weekly`, `monthly`, `yearly`, any case) or an RFC 5545 rule and returns the
 * canonical string to store. Accepted input: an `RRULE:` line (prefix optional) plus optional `EXDATE`
 * lines, newline-separated. EXDATE values are `YYYYMMDD` (skip that local day), `YYYYMMDDTHHMMSS` (local
 * time in the series zone) or `...Z` (a UTC instant); TZID parameters are refused. Supported parts: FREQ
 * (DAILY..YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYSETPOS, WKST.
 * DTSTART, sub-daily frequencies and BYHOUR/BYMINUTE/BYSECOND are rejected with a message.
 *
 * Canonical form: `RRULE:` with parts in a fixed order, lists sorted and de-duplicated, INTERVAL=1 and
 * WKST=MO dropped; then `EXDATE;VALUE=DATE:...` and `EXDATE:...` lines, sorted.
 *
 * @example
 * normalizeRecurrence('monthly') // { ok: true, rule: 'RRULE:FREQ=MONTHLY' }
 * normalizeRecurrence('FREQ=WEEKLY;BYDAY=TU;INTERVAL=2\nEXDATE:20250311T090000')
 * // { ok: true, rule: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU\nEXDATE:20250311T090000' }
 * normalizeRecurrence('FREQ=HOURLY') // { ok: false, message: 'FREQ=HOURLY is not supported: ...' }
 */
export function normalizeRecurrence(input: string): NormalizeResult {
  const parsed = parseInput(input);
  return parsed.ok ? { ok: true, rule: formatRecurrence(parsed.rule) } : parsed;
}
