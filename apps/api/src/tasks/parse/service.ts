/**
 * Natural-language quick add: "pay rent every month on the 1st at 9am #bills !high" → a task draft.
 * Tags, priority, reminders and recurrence are read by our own rules and taken out of the text
 * first; chrono-node reads the date and time in what is left; the rest is the title.
 */
import { describeRecurrence, normalizeRecurrence, previewOccurrences } from '@tasktide/recurrence-rules';
import { fromWallClock, toWallClock } from '@tasktide/recurrence-rules/zone';
import type * as Chrono from 'chrono-node';
import type { MatchKindName, ParseResultDto, TaskDraftDto } from './model.ts';
import { findRecurrence, readCount, toNumber } from './recurrence-phrases.ts';

let chronoModule: typeof Chrono | undefined;
/**
 * chrono-node is imported on the first parse, not at start: its locale tables cost ~13 MiB of RSS,
 * and most api replicas never parse a quick-add line (the split build leaves it in a chunk of its
 * own, which they never read).
 */
async function loadChrono(): Promise<void> {
  chronoModule ??= await import('chrono-node');
}
/** The module parseQuickAdd loaded before reading anything. */
const chrono = () => chronoModule as typeof Chrono;

export interface ParseContext {
  now: Date;
  /** IANA zone the text's dates are wall-clock times in (checked by the caller). */
  timezone: string;
  /** The projects `+name` may name (the caller's own); none: `+name` stays in the text. */
  projects?: ReadonlyArray<{ id: string; name: string }>;
}

/** Time of day for a date given without one ("tomorrow", "every monday"). */
export const DEFAULT_HOUR = 9;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `instant` as ISO 8601 with the zone's offset at that instant, e.g. 2026-04-01T09:00:00+02:00. */
export function formatInZone(instant: Date, timezone: string): string {
  const wall = toWallClock(instant, timezone);
  const offset = Math.round((wall.getTime() - instant.getTime()) / 60_000);
  const abs = Math.abs(offset);
  return `${wall.toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${pad(Math.trunc(abs / 60))}:${pad(abs % 60)}`;
}

/** The text with understood phrases blanked out (same length, so indices stay valid). */
class Remaining {
  text: string;
  readonly matches: Array<{ kind: MatchKindName; text: string; start: number }> = [];
  constructor(input: string) {
    this.text = input;
  }
  /** Lower-cased without changing any index (a few characters lengthen when lower-cased). */
  get lower() {
    return [...this.text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
  }
  take(kind: MatchKindName, start: number, end: number) {
    const text = this.text.slice(start, end).trim();
    if (text) this.matches.push({ kind, text, start });
    this.text = this.text.slice(0, start) + ' '.repeat(end - start) + this.text.slice(end);
  }
}

function readTags(rest: Remaining): string[] {
  const tags: string[] = [];
  for (const m of rest.text.matchAll(/(^|\s)#([^\s#,!]+)/gu)) {
    const tag = m[2]!.replace(/[.;:?)\]]+$/u, '').toLowerCase();
    if (!tag || tag.length > 50) continue;
    tags.push(tag);
    rest.take('tag', m.index + m[1]!.length, m.index + m[0].length);
  }
  return [...new Set(tags)];
}

/** How `+name` spells a project: lower-cased, spaces as dashes ("Release Q3" is +release-q3). */
const projectKey = (name: string) => name.trim().toLowerCase().replace(/\s+/g, '-');

/**
 * `+project` (todo.txt's convention; `#` is already tags): the first token naming one of the
 * caller's projects, case-insensitively, is taken out. An unknown name stays in the text (the task
 * goes to the Inbox) with a warning — quick add never fails on what it does not know.
 */
function readProject(rest: Remaining, projects: ParseContext['projects'], warnings: string[]): string | undefined {
  const byKey = new Map((projects ?? []).map((p) => [projectKey(p.name), p.id]));
  for (const m of rest.text.matchAll(/(^|\s)\+([^\s+#,!]+)/gu)) {
    const name = m[2]!.replace(/[.;:?)\]]+$/u, '');
    const id = byKey.get(name.toLowerCase());
    if (id) {
      rest.take('project', m.index + m[1]!.length, m.index + m[0].length);
      return id;
    }
    if (/^\p{L}/u.test(name)) warnings.push(`No project of yours is named "${name}": the task goes to the Inbox`);
  }
  return undefined;
}

const PRIORITIES: Record<string, TaskDraftDto['priority']> = {
  '!!': 'high',
  '!!!': 'high',
  '!high': 'high',
  '!h': 'high',
  '!1': 'high',
  '!medium': 'medium',
  '!med': 'medium',
  '!m': 'medium',
  '!2': 'medium',
  '!low': 'low',
  '!l': 'low',
  '!3': 'low',
  '!none': 'none',
};

function readPriority(rest: Remaining): TaskDraftDto['priority'] {
  let priority: TaskDraftDto['priority'] = 'none';
  for (const m of rest.lower.matchAll(/(^|\s)(!{1,3}[a-z0-9]*)(?=\s|$)/g)) {
    const found = PRIORITIES[m[2]!];
    if (!found) continue;
    priority = found;
    rest.take('priority', m.index + m[1]!.length, m.index + m[0].length);
  }
  return priority;
}

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10_080 };
const WORD_AMOUNT = '(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';
const UNIT_WORD = '(?:minutes?|mins?|hours?|hrs?|days?|weeks?)';
const DURATION = `(?:\\bhalf\\s+an?\\s+hour|\\b\\d{1,6}\\s*(?:${UNIT_WORD}|m|h|d|w)|\\b${WORD_AMOUNT}\\s+${UNIT_WORD})\\b`;
const DURATIONS = `${DURATION}(?:\\s+before)?(?:\\s*(?:,\\s*and|,|and|&)\\s*${DURATION}(?:\\s+before)?)*`;
const AT_DUE = "when\\s+(?:it'?s\\s+|it\\s+is\\s+)?due|at\\s+the\\s+due\\s+time|on\\s+time";
const REMINDER = new RegExp(
  '(?:\\b(?:and|with)\\s+)?(?:\\ba\\s+)?\\b(?:remind(?:\\s+me)?|reminders?|alert(?:\\s+me)?|notify(?:\\s+me)?)\\s+' +
    `(?:(${DURATIONS})\\s+(?:before|early|ahead|prior)|${AT_DUE})\\b`,
  'g',
);

function readReminders(rest: Remaining): number[] {
  const minutes: number[] = [];
  for (const m of rest.lower.matchAll(REMINDER)) {
    if (!m[1]) minutes.push(0);
    for (const d of m[1]?.matchAll(new RegExp(DURATION, 'g')) ?? []) {
      if (d[0].startsWith('half')) {
        minutes.push(30);
        continue;
      }
      const [, amount = '1', unit = 'm'] = /^(\d+|[a-z]+)\s*([a-z]+)$/.exec(d[0]) ?? [];
      const n = /^an?$/.test(amount) ? 1 : toNumber(amount);
      minutes.push(n * (UNIT_MINUTES[unit[0]!] ?? 1));
    }
    rest.take('reminder', m.index, m.index + m[0].length);
  }
  return [...new Set(minutes)].filter((n) => n <= 525_600).sort((a, b) => b - a);
}

/** Reference for chrono: the current instant and the zone's offset now, so "tomorrow" is local. */
const chronoRef = (ctx: ParseContext) => ({
  instant: ctx.now,
  timezone: Math.round((toWallClock(ctx.now, ctx.timezone).getTime() - ctx.now.getTime()) / 60_000),
});

interface Recurrence {
  parts: string[];
  hour?: number;
}

function readRecurrence(rest: Remaining, ctx: ParseContext): Recurrence | null {
  const found = findRecurrence(rest.lower);
  if (!found) return null;
  const parts = Object.entries(found.parts).map(([k, v]) => `${k}=${v}`);
  const end = found.end;
  rest.take('recurrence', found.start, end);
  const count = readCount(rest.lower);
  if (count) {
    parts.push(`COUNT=${count.count}`);
    rest.take('recurrence', count.start, count.end);
  }
  const until = /\buntil\s+/.exec(rest.lower);
  if (until && !count) {
    const from = until.index + until[0].length;
    const [date] = chrono().parse(rest.text.slice(from), chronoRef(ctx), { forwardDate: true });
    if (date && !rest.text.slice(from, from + date.index).trim()) {
      const s = date.start;
      parts.push(`UNTIL=${s.get('year')}${pad(s.get('month')!)}${pad(s.get('day')!)}`);
      rest.take('recurrence', until.index, from + date.index + date.text.length);
    }
  }
  return { parts, hour: found.hour };
}

/** Hours for a part of the day named without a time (chrono's are earlier than people mean). */
const PART_OF_DAY_HOURS: Record<string, number> = {
  morning: 8,
  lunch: 12,
  afternoon: 14,
  evening: 18,
  tonight: 20,
  night: 21,
};
const PART_OF_DAY = /\b(tonight|morning|afternoon|evening|night|noon|midnight|lunch)\b/i;
const RELATIVE_TIME = /\b(minutes?|mins?|hours?|hrs?)\b/i;

interface When {
  /** A fixed instant ("in 2 hours"). */
  instant?: Date;
  /** Local date, when one was named. */
  date?: { year: number; month: number; day: number };
  /** Local time of day, when one was named. */
  time?: { hour: number; minute: number };
}

function readWhen(rest: Remaining, ctx: ParseContext): When {
  const results = chrono().parse(rest.text, chronoRef(ctx), { forwardDate: true });
  const when: When = {};
  for (const result of results.slice(0, 2)) {
    const s = result.start;
    const hasDay = s.isCertain('day') || s.isCertain('weekday') || s.isCertain('month');
    const hasTime = s.isCertain('hour') || PART_OF_DAY.test(result.text);
    if ((hasDay && when.date) || (hasTime && when.time) || (!hasDay && !hasTime)) continue;
    if (RELATIVE_TIME.test(result.text)) when.instant = result.start.date();
    if (hasDay) when.date = { year: s.get('year')!, month: s.get('month')!, day: s.get('day')! };
    const partOfDay = PART_OF_DAY_HOURS[PART_OF_DAY.exec(result.text)?.[1]?.toLowerCase() ?? ''];
    if (hasTime && !s.isCertain('hour') && partOfDay !== undefined) when.time = { hour: partOfDay, minute: 0 };
    else if (hasTime) when.time = { hour: s.get('hour')!, minute: s.get('minute') ?? 0 };
    rest.take('date', result.index, result.index + result.text.length);
  }
  return when;
}

const wallDate = (d: { year: number; month: number; day: number }, t: { hour: number; minute: number }) =>
  new Date(Date.UTC(d.year, d.month - 1, d.day, t.hour, t.minute));

/** The first instant at local time `time` after now: today if still ahead, else tomorrow. */
function nextAt(time: { hour: number; minute: number }, ctx: ParseContext): Date {
  const today = toWallClock(ctx.now, ctx.timezone);
  const day = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() };
  const candidate = fromWallClock(wallDate(day, time), ctx.timezone);
  if (candidate > ctx.now) return candidate;
  return fromWallClock(wallDate({ ...day, day: day.day + 1 }, time), ctx.timezone);
}

function dueOf(when: When, recurrence: Recurrence | null, ctx: ParseContext): Date | null {
  const time = when.time ?? { hour: recurrence?.hour ?? DEFAULT_HOUR, minute: 0 };
  if (!recurrence) {
    if (when.instant) return when.instant;
    if (when.date) return fromWallClock(wallDate(when.date, time), ctx.timezone);
    return when.time ? nextAt(when.time, ctx) : null;
  }
  const start =
    when.instant ?? (when.date ? fromWallClock(wallDate(when.date, time), ctx.timezone) : nextAt(time, ctx));
  // The first occurrence on or after the start; COUNT/UNTIL do not move it, so leave them out here.
  const bare = `RRULE:${recurrence.parts.filter((p) => !/^(COUNT|UNTIL)=/.test(p)).join(';')}`;
  return previewOccurrences({ rule: bare, dueAt: start, timezone: ctx.timezone, count: 1 })[0] ?? start;
}

const LEADING = /^(?:(?:on|at|by|due|from|starting|every|each)\b|[,;:\-–])\s*/i;
const TRAILING = /\s*(?:\b(?:on|at|by|due|from|starting|until|in|and|for|with|every|each|of)|[,;:\-–])$/i;

function titleOf(text: string): string {
  let title = text.replace(/\s+/g, ' ').trim();
  for (let before = ''; before !== title; ) {
    before = title;
    title = title.replace(LEADING, '').replace(TRAILING, '').trim();
  }
  return title;
}

/**
 * Reads a quick-add line into a task draft without saving it. Never throws for odd text: what it
 * does not understand stays in the title, and what the draft cannot be created with is a warning.
 *
 * @example
 * (await parseQuickAdd('pay rent every month on the 1st at 9am #bills !high',
 *   { now: new Date('2026-03-15T12:00:00Z'), timezone: 'Europe/Berlin' })).draft
 * // { title: 'pay rent', due_at: '2026-04-01T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1',
 * //   tags: ['bills'], priority: 'high', reminders: [], timezone: 'Europe/Berlin' }
 */
export async function parseQuickAdd(input: string, ctx: ParseContext): Promise<ParseResultDto> {
  await loadChrono();
  const rest = new Remaining(input);
  const warnings: string[] = [];
  const projectId = readProject(rest, ctx.projects, warnings);
  const tags = readTags(rest);
  const priority = readPriority(rest);
  const reminders = readReminders(rest);
  const recurrence = readRecurrence(rest, ctx);
  const when = readWhen(rest, ctx);

  let rule: string | null = null;
  if (recurrence) {
    const normalized = normalizeRecurrence(recurrence.parts.join(';'));
    if (normalized.ok) rule = normalized.rule;
    else warnings.push(`The repetition was not understood: ${normalized.message}`);
  }
  const due = dueOf(when, rule ? recurrence : null, ctx);
  const title = titleOf(rest.text);
  if (!title) warnings.push('Nothing is left for the title');
  if (reminders.length && !due) warnings.push('Reminders need a due date: add one, e.g. "tomorrow at 9"');

  return {
    draft: {
      title,
      priority,
      tags,
      due_at: due ? formatInZone(due, ctx.timezone) : null,
      timezone: ctx.timezone,
      reminders,
      recurrence: rule,
      ...(projectId ? { project_id: projectId } : {}),
    },
    recurrence_text: rule ? describeRecurrence(rule) : null,
    matches: rest.matches.sort((a, b) => a.start - b.start).map(({ kind, text }) => ({ kind, text })),
    warnings,
  };
}
