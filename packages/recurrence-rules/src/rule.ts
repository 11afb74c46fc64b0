/**
 * Parses the stored recurrence format into a validated rule and prints it back canonically.
 *
 * Format: one `RRULE:` line (the prefix is optional) optionally followed by `EXDATE` lines, separated by
 * newlines. DTSTART is rejected because the series is anchored at the task's due date; sub-daily
 * frequencies and BYHOUR/BYMINUTE/BYSECOND are rejected because a task has one due time per day.
 */
import { canonicalPart, type DateValue, parseDateValue, positiveInt, type Result } from './rule-values.ts';

export type { DateValue, Result } from './rule-values.ts';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** BYxxx parts in canonical output order; WKST is printed last. */
export const BY_PARTS = ['BYMONTH', 'BYWEEKNO', 'BYYEARDAY', 'BYMONTHDAY', 'BYDAY', 'BYSETPOS', 'WKST'] as const;
export type ByPart = (typeof BY_PARTS)[number];

/** A validated recurrence: the RRULE parts plus the exception dates. */
export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  /** Total number of occurrences in the series, the first task included. */
  count?: number;
  until?: DateValue;
  /** Canonical values of the BYxxx and WKST parts that were given. */
  by: Partial<Record<ByPart, string>>;
  exdates: DateValue[];
}

const MAX_INPUT_LENGTH = 2000;
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const DTSTART_MESSAGE = 'DTSTART is not allowed in a recurrence rule: the series starts at the task due date';
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

function parseRuleLine(line: string): Result<Omit<RecurrenceRule, 'exdates'>> {
  const fields = new Map<string, string>();
  for (const field of line.split(';')) {
    const [rawKey = '', rawValue, ...extra] = field.split('=');
    const key = rawKey.trim().toUpperCase();
    const value = rawValue?.trim().toUpperCase() ?? '';
    if (key === 'DTSTART' || key === 'TZID') return fail(DTSTART_MESSAGE);
    if (!key || !value || extra.length > 0) return fail(`Malformed RRULE part '${field}' (expected NAME=VALUE)`);
    if (fields.has(key)) return fail(`RRULE part ${key} appears twice`);
    fields.set(key, value);
  }
  const freq = fields.get('FREQ');
  if (!freq) return fail('RRULE needs a FREQ part, e.g. FREQ=WEEKLY');
  if (SUB_DAILY.includes(freq)) {
    return fail(`FREQ=${freq} is not supported: tasks repeat at most daily (use DAILY, WEEKLY, MONTHLY or YEARLY)`);
  }
  if (!FREQUENCIES.includes(freq)) return fail(`Unknown FREQ '${freq}' (use DAILY, WEEKLY, MONTHLY or YEARLY)`);

  const rule: Omit<RecurrenceRule, 'exdates'> = { freq: freq as Frequency, interval: 1, by: {} };
  for (const [key, value] of fields) {
    if (key === 'FREQ') continue;
    if (['BYHOUR', 'BYMINUTE', 'BYSECOND'].includes(key)) {
      return fail(`${key} is not supported: the time of day comes from the task due date`);
    }
    if (key === 'INTERVAL' || key === 'COUNT') {
      const n = positiveInt(key, value, key === 'COUNT' ? 10_000 : 1000);
      if (!n.ok) return n;
      if (key === 'INTERVAL') rule.interval = n.value;
      else rule.count = n.value;
    } else if (key === 'UNTIL') {
      const until = parseDateValue('UNTIL', value);
      if (!until.ok) return until;
      rule.until = until.value;
    } else {
      const part = canonicalPart(key, value, freq);
      if (!part.ok) return part;
      rule.by[key as ByPart] = part.value;
    }
  }
  if (rule.count !== undefined && rule.until) return fail('COUNT and UNTIL cannot both be set (RFC 5545)');
  const hasOtherBy = BY_PARTS.some((p) => p !== 'BYSETPOS' && p !== 'WKST' && rule.by[p] !== undefined);
  if (rule.by.BYSETPOS && !hasOtherBy) return fail('BYSETPOS needs another BYxxx part, e.g. BYDAY=FR;BYSETPOS=-1');
  return { ok: true, value: rule };
}

function parseExdateLine(line: string): Result<DateValue[]> {
  const colon = line.indexOf(':');
  const params = line.slice(0, colon).toUpperCase().split(';').slice(1);
  for (const param of params) {
    if (param.startsWith('TZID=')) return fail('EXDATE must not carry a TZID: it is read in the series time zone');
    if (param !== 'VALUE=DATE' && param !== 'VALUE=DATE-TIME') return fail(`Unsupported EXDATE parameter '${param}'`);
  }
  const values: DateValue[] = [];
  for (const raw of line.slice(colon + 1).split(',')) {
    const parsed = parseDateValue('EXDATE', raw.trim().toUpperCase());
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** Parses a (non-preset) recurrence string; see the module comment for the format. */
export function parseRecurrence(input: string): Result<RecurrenceRule> {
  if (typeof input !== 'string' || input.trim() === '') return fail('Recurrence rule is empty');
  if (input.length > MAX_INPUT_LENGTH) return fail(`Recurrence rule is longer than ${MAX_INPUT_LENGTH} characters`);
  let rule: Omit<RecurrenceRule, 'exdates'> | undefined;
  const exdates: DateValue[] = [];
  for (const rawLine of input.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const name = (/^[A-Za-z-]+/.exec(line)?.[0] ?? '').toUpperCase();
    if (name === 'DTSTART') return fail(DTSTART_MESSAGE);
    if (name === 'EXDATE' && /^EXDATE[;:]/i.test(line) && line.includes(':')) {
      const parsed = parseExdateLine(line);
      if (!parsed.ok) return parsed;
      exdates.push(...parsed.value);
      continue;
    }
    const isRuleLine = /^RRULE:/i.test(line) || (name !== 'RRULE' && line.includes('=') && !line.includes(':'));
    if (!isRuleLine)
      return fail(
        `'${line.slice(0, 40)}' is not a preset (daily, weekly, monthly, yearly), an RRULE or an EXDATE line`,
      );
    if (rule) return fail('Only one RRULE line is allowed');
    const parsed = parseRuleLine(line.replace(/^RRULE:/i, ''));
    if (!parsed.ok) return parsed;
    rule = parsed.value;
  }
  if (!rule) return fail('Recurrence needs an RRULE line, e.g. RRULE:FREQ=WEEKLY');
  return { ok: true, value: { ...rule, exdates } };
}

/** RRULE parts as `NAME=VALUE` strings in canonical order; `withBounds: false` drops COUNT and UNTIL. */
export function ruleParts(rule: RecurrenceRule, withBounds = true): string[] {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (withBounds && rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (withBounds && rule.until) parts.push(`UNTIL=${rule.until.text}`);
  for (const key of BY_PARTS) {
    const value = rule.by[key];
    // WKST=MO is the RFC default; dropping it keeps equal rules equal.
    if (value !== undefined && !(key === 'WKST' && value === 'MO')) parts.push(`${key}=${value}`);
  }
  return parts;
}

/** Canonical text: `RRULE:...` then at most one `EXDATE;VALUE=DATE:` and one `EXDATE:` line, sorted. */
export function formatRecurrence(rule: RecurrenceRule): string {
  const lines = [`RRULE:${ruleParts(rule).join(';')}`];
  const sortedTexts = (kinds: DateValue['kind'][]) =>
    [...new Set(rule.exdates.filter((e) => kinds.includes(e.kind)).map((e) => e.text))].sort();
  const dates = sortedTexts(['date']);
  const times = sortedTexts(['local', 'utc']);
  if (dates.length > 0) lines.push(`EXDATE;VALUE=DATE:${dates.join(',')}`);
  if (times.length > 0) lines.push(`EXDATE:${times.join(',')}`);
  return lines.join('\n');
}
