/** Dates in the task's (or user's) time zone, whatever zone the browser itself is in. */
import { fromWallClock, toWallClock } from '@tasktide/recurrence-rules/zone';

const pad = (n: number) => String(n).padStart(2, '0');

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` of an instant in `zone`, for date and time inputs. */
export function toInputs(iso: string, zone: string): { date: string; time: string } {
  const wall = toWallClock(new Date(iso), zone);
  return {
    date: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    time: `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
  };
}

/** The instant (ISO, UTC) at which the wall clock in `zone` shows `date` `time`; null without a date. */
export function fromInputs(date: string, time: string, zone: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return null;
  const [, h = '9', m = '0'] = /^(\d{1,2}):(\d{2})/.exec(time) ?? [];
  const wall = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(h), Number(m)));
  return fromWallClock(wall, zone).toISOString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "Wed, Apr 1, 2026, 9:00 AM" in `zone`. */
export function formatDateTime(iso: string, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f.format(new Date(iso));
}

/** The IANA zones the browser knows, for the zone field's suggestions. */
export function knownZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

/** The browser's own zone (the default for a new account). */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
