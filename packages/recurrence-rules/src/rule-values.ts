/**
 * Validators for the value of each supported RRULE part and for RFC 5545 DATE / DATE-TIME values.
 * Each returns the canonical text (sorted, de-duplicated, upper case) so equal rules store equal strings.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A DATE or DATE-TIME value: `date` = whole local day, `local` = floating wall-clock time, `utc` = instant. */
export interface DateValue {
  kind: 'date' | 'local' | 'utc';
  /** Canonical RFC 5545 text, e.g. `20250301`, `20250301T090000`, `20250301T090000Z`. */
  text: string;
  /** For `date` the wall-clock start of the day; for `local` the wall-clock time; for `utc` the instant. */
  value: Date;
}

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

function intList(name: string, raw: string, limit: number, allowNegative: boolean): Result<string> {
  const numbers: number[] = [];
  for (const item of raw.split(',')) {
    if (!/^[+-]?\d{1,3}$/.test(item)) return fail(`${name} must be a comma-separated list of integers, got '${raw}'`);
    const n = Number(item);
    if (n === 0 || Math.abs(n) > limit || (n < 0 && !allowNegative)) {
      const range = allowNegative ? `1..${limit} or -${limit}..-1` : `1..${limit}`;
      return fail(`${name} value ${item} is out of range (${range})`);
    }
    if (!numbers.includes(n)) numbers.push(n);
  }
  return { ok: true, value: numbers.sort((a, b) => a - b).join(',') };
}

function weekdayList(raw: string, allowOrdinal: boolean): Result<string> {
  const days: { ordinal: number; day: number }[] = [];
  for (const item of raw.split(',')) {
    const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!match) return fail(`BYDAY value '${item}' is not a weekday such as MO, 2TU or -1FR`);
    const ordinal = match[1] ? Number(match[1]) : 0;
    if (ordinal !== 0 && !allowOrdinal) {
      return fail(`BYDAY ordinals such as '${item}' need FREQ=MONTHLY or FREQ=YEARLY (RFC 5545)`);
    }
    if (match[1] && (ordinal === 0 || Math.abs(ordinal) > 53))
      return fail(`BYDAY ordinal in '${item}' is out of range`);
    const day = WEEKDAYS.indexOf(match[2] as (typeof WEEKDAYS)[number]);
    if (!days.some((d) => d.day === day && d.ordinal === ordinal)) days.push({ ordinal, day });
  }
  days.sort((a, b) => a.day - b.day || a.ordinal - b.ordinal);
  return { ok: true, value: days.map((d) => `${d.ordinal === 0 ? '' : d.ordinal}${WEEKDAYS[d.day]}`).join(',') };
}

/** Canonical value of one BYxxx / WKST part, or the reason it is invalid for this frequency. */
export function canonicalPart(key: string, raw: string, freq: string): Result<string> {
  const yearly = freq === 'YEARLY';
  switch (key) {
    case 'BYMONTH':
      return intList(key, raw, 12, false);
    case 'BYMONTHDAY':
      if (freq === 'WEEKLY') return fail('BYMONTHDAY cannot be used with FREQ=WEEKLY (RFC 5545)');
      return intList(key, raw, 31, true);
    case 'BYYEARDAY':
      if (!yearly) return fail('BYYEARDAY needs FREQ=YEARLY');
      return intList(key, raw, 366, true);
    case 'BYWEEKNO':
      if (!yearly) return fail('BYWEEKNO needs FREQ=YEARLY (RFC 5545)');
      return intList(key, raw, 53, true);
    case 'BYSETPOS':
      return intList(key, raw, 366, true);
    case 'BYDAY':
      return weekdayList(raw, freq === 'MONTHLY' || yearly);
    case 'WKST':
      return (WEEKDAYS as readonly string[]).includes(raw)
        ? { ok: true, value: raw }
        : fail(`WKST must be a weekday (MO..SU), got '${raw}'`);
    default:
      return fail(`Unsupported RRULE part '${key}'`);
  }
}

/** A positive integer part (INTERVAL, COUNT). */
export function positiveInt(name: string, raw: string, max: number): Result<number> {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    return fail(`${name} must be a whole number from 1 to ${max}, got '${raw}'`);
  }
  return { ok: true, value: Number(raw) };
}

/** Parses `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`, rejecting impossible dates such as Feb 30. */
export function parseDateValue(name: string, raw: string): Result<DateValue> {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(raw);
  if (!match) return fail(`${name} '${raw}' is not an RFC 5545 date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', z] = match;
  const value = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  const roundTrips =
    value.getUTCFullYear() === Number(y) &&
    value.getUTCMonth() === Number(mo) - 1 &&
    value.getUTCDate() === Number(d) &&
    value.getUTCHours() === Number(h) &&
    value.getUTCMinutes() === Number(mi) &&
    value.getUTCSeconds() === Number(s);
  if (!roundTrips || Number(y) < 1900) return fail(`${name} '${raw}' is not a valid calendar date`);
  const kind = match[4] === undefined ? 'date' : z ? 'utc' : 'local';
  return { ok: true, value: { kind, text: raw, value } };
}
