/**
 * Open tasks as an iCalendar (RFC 5545) feed, written with ical-generator: one VEVENT per open task
 * with a due time — a recurring series is one event (its open occurrence as DTSTART, its rule as
 * RRULE, its zone as TZID with a VTIMEZONE), and every reminder a VALARM.
 */

import { MAX_PREVIEW, parseRecurrence, previewOccurrences, type RecurrenceRule } from '@tasktide/recurrence-rules';
import { fromWallClock, toWallClock } from '@tasktide/recurrence-rules/zone';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAlarmType, ICalEventClass } from 'ical-generator';
import { DateTime } from 'luxon';

/** What the feed needs of a task. */
export interface FeedTask {
  id: string;
  title: string;
  description: string;
  priority: 'none' | 'low' | 'medium' | 'high';
  tags: string[];
  dueAt: Date;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  seriesId: string | null;
  seriesStart: Date | null;
  occurrenceIndex: number;
  updatedAt: Date;
}

/** Each task shows as a block of this length starting at its due time (calendars hide 0-length events). */
export const EVENT_MINUTES = 30;
/** RFC 5545 PRIORITY: 1 highest … 9 lowest, 0 undefined. */
const PRIORITY = { none: 0, low: 9, medium: 5, high: 1 } as const;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** A wall-clock Date (UTC fields = local fields) as iCalendar local DATE-TIME text. */
const localText = (wall: Date) =>
  `${pad(wall.getUTCFullYear(), 4)}${pad(wall.getUTCMonth() + 1)}${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${pad(wall.getUTCSeconds())}`;
const utcText = (instant: Date) => `${localText(instant)}Z`;

/**
 * The engine's month-end clamp (a monthly or yearly rule that names no day, anchored on the
 * 29th–31st, falls on the month's last day when the month is shorter — never skipped) in RFC 5545
 * terms that every client's iterator supports (libical and ical.js honour BYSETPOS only beside
 * BYDAY): the 31st — or any day of a February-only yearly rule — is BYMONTHDAY=-1; otherwise the
 * anchor day, plus RDATEs for the clamped dates among the next MAX_PREVIEW occurrences.
 */
function clampParts(rule: RecurrenceRule, anchorWall: Date): { parts: string[]; rdates: boolean } | null {
  const { BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH } = rule.by;
  const namesDay = [BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO].some((p) => p !== undefined);
  const day = anchorWall.getUTCDate();
  if (namesDay || (rule.freq !== 'MONTHLY' && rule.freq !== 'YEARLY') || day < 29) return null;
  const months = rule.freq === 'YEARLY' ? [`BYMONTH=${BYMONTH ?? anchorWall.getUTCMonth() + 1}`] : [];
  const februaryOnly = rule.freq === 'YEARLY' && (BYMONTH ?? String(anchorWall.getUTCMonth() + 1)) === '2';
  if (day === 31 || februaryOnly) return { parts: [...months, 'BYMONTHDAY=-1'], rdates: false };
  return { parts: [...months, `BYMONTHDAY=${day}`], rdates: true };
}

/**
 * The stored rule as iCalendar lines for an event that starts at the open occurrence (`dueAt`, the
 * occurrence numbered `occurrenceIndex` of a series anchored at `seriesStart`): COUNT is what is left
 * of it, a floating or date UNTIL becomes the UTC instant RFC 5545 requires beside a TZID, EXDATEs
 * carry the zone, and the month-end clamp is spelled as above, so clients expand the dates the
 * engine creates (calendar.roundtrip.test.ts checks it with ical.js).
 */
export function icalRecurrence(
  stored: string,
  pos: { dueAt: Date; seriesStart: Date | null; timezone: string; occurrenceIndex: number },
): string | null {
  const parsed = parseRecurrence(stored);
  if (!parsed.ok) return null;
  const rule = parsed.value;
  const anchorWall = toWallClock(pos.seriesStart ?? pos.dueAt, pos.timezone);
  const dueWall = toWallClock(pos.dueAt, pos.timezone);
  const clamp = clampParts(rule, anchorWall);
  // Clamped dates the plain rule would skip: listed one by one (bounded by the preview limit).
  const rdates = clamp?.rdates
    ? previewOccurrences({
        rule: stored,
        dueAt: pos.dueAt,
        timezone: pos.timezone,
        seriesStart: pos.seriesStart ?? undefined,
        occurrenceIndex: pos.occurrenceIndex,
        count: MAX_PREVIEW,
      }).filter((d) => toWallClock(d, pos.timezone).getUTCDate() !== anchorWall.getUTCDate())
    : [];
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== undefined) {
    // What is left of the series, less the dates given as RDATEs (COUNT counts the RRULE's own).
    parts.push(`COUNT=${Math.max(1, rule.count - pos.occurrenceIndex - rdates.length)}`);
  }
  if (rule.until) {
    const until =
      rule.until.kind === 'utc'
        ? rule.until.value
        : rule.until.kind === 'local'
          ? fromWallClock(rule.until.value, pos.timezone)
          : // a date UNTIL includes that whole local day
            new Date(fromWallClock(new Date(rule.until.value.getTime() + 86_400_000), pos.timezone).getTime() - 1000);
    parts.push(`UNTIL=${utcText(until)}`);
  }
  for (const [key, value] of Object.entries(rule.by)) {
    if (clamp && key === 'BYMONTH') continue;
    parts.push(`${key}=${value}`);
  }
  if (clamp) parts.push(...clamp.parts);
  const lines = [`RRULE:${parts.join(';')}`];
  if (rdates.length) {
    lines.push(`RDATE;TZID=${pos.timezone}:${rdates.map((d) => localText(toWallClock(d, pos.timezone))).join(',')}`);
  }
  for (const ex of rule.exdates) {
    if (ex.kind === 'utc') {
      lines.push(`EXDATE:${utcText(ex.value)}`);
      continue;
    }
    // A date skips that local day: the occurrence on it is at the series' time of day.
    const wall =
      ex.kind === 'local'
        ? ex.value
        : new Date(
            Date.UTC(
              ex.value.getUTCFullYear(),
              ex.value.getUTCMonth(),
              ex.value.getUTCDate(),
              dueWall.getUTCHours(),
              dueWall.getUTCMinutes(),
              dueWall.getUTCSeconds(),
            ),
          );
    lines.push(`EXDATE;TZID=${pos.timezone}:${localText(wall)}`);
  }
  return lines.join('\n');
}

/** The whole feed as text. */
export function buildCalendar(tasks: FeedTask[], opts: { name: string; now: Date }): string {
  const calendar = ical({
    name: opts.name,
    prodId: { company: 'tasktide', product: 'tasks', language: 'EN' },
    // Clients re-fetch a subscribed feed on their own schedule; this asks for every 30 minutes.
    ttl: 30 * 60,
    // One VTIMEZONE per zone used, so clients that do not know IANA names still place events right.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const task of tasks) {
    const start = DateTime.fromJSDate(task.dueAt).setZone(task.timezone);
    const event = calendar.createEvent({
      // A series keeps one identity as its open occurrence moves forward.
      id: `${task.seriesId ?? task.id}@tasktide`,
      start,
      end: start.plus({ minutes: EVENT_MINUTES }),
      timezone: task.timezone,
      stamp: task.updatedAt,
      lastModified: task.updatedAt,
      summary: task.title,
      description: [task.description, task.tags.map((t) => `#${t}`).join(' ')].filter(Boolean).join('\n\n') || null,
      categories: task.tags.map((name) => ({ name })),
      priority: PRIORITY[task.priority] || null,
      class: ICalEventClass.PRIVATE,
      repeating: task.recurrence
        ? icalRecurrence(task.recurrence, {
            dueAt: task.dueAt,
            seriesStart: task.seriesStart,
            timezone: task.timezone,
            occurrenceIndex: task.occurrenceIndex,
          })
        : null,
    });
    for (const minutes of task.reminders) {
      event.createAlarm({ type: ICalAlarmType.display, triggerBefore: minutes * 60, description: task.title });
    }
  }
  return calendar.toString();
}
