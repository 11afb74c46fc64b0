/**
 * Wall-clock <-> instant conversion for IANA time zones, done with Intl so the result never depends on
 * the process TZ (rrule.js' own `tzid` support converts through the host zone, which is the trap we avoid).
 *
 * A "wall-clock" value is a Date whose UTC fields hold the local date and time in the zone (rrule.js calls
 * these floating dates: it only reads and writes UTC fields, so handing it wall-clock values keeps it
 * host-independent).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23 because some ICU builds print midnight as hour 24 with hour12: false.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone name (or alias) this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws a RangeError naming the zone when it is unknown, so a bad stored zone fails loudly. */
export function assertTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new RangeError(`Unknown IANA time zone '${timeZone}'`);
}

/** The local date and time of `instant` in `timeZone`, as a wall-clock Date (UTC fields = local fields). */
export function toWallClock(instant: Date, timeZone: string): Date {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const wall = new Date(0);
  // setUTCFullYear keeps years 0-99 literal (Date.UTC would map them to 1900-1999).
  wall.setUTCFullYear(parts.era === 'BC' ? 1 - year : year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), instant.getUTCMilliseconds());
  return wall;
}

function offsetAt(instant: number, timeZone: string): number {
  return toWallClock(new Date(instant), timeZone).getTime() - instant;
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall`. Resolves DST like Temporal's
 * 'compatible' disambiguation (and RFC 5545 §3.3.5): a time repeated in the autumn overlap maps to its
 * first (earlier) instant; a time skipped by the spring gap is pushed forward by the gap's length
 * (02:30 on a 02:00→03:00 night becomes 03:30).
 */
export function fromWallClock(wall: Date, timeZone: string): Date {
  const local = wall.getTime();
  // Real zones change offset at most once within a day, so the offsets a day either side bracket it.
  const offsetBefore = offsetAt(local - DAY_MS, timeZone);
  const offsetAfter = offsetAt(local + DAY_MS, timeZone);
  const candidates = [local - offsetBefore, local - offsetAfter].filter(
    (instant) => toWallClock(new Date(instant), timeZone).getTime() === local,
  );
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In the gap: applying the pre-transition offset lands the same distance past the transition.
  return new Date(local - offsetBefore);
}
