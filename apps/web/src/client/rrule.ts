/**
 * The custom rule builder's model ↔ RRULE text. Only what the builder edits is modelled; a rule
 * with other parts is kept as text (the api validates and normalizes every rule).
 */

export type Freq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const WEEKDAY_NAMES: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

export interface RuleModel {
  freq: Freq;
  interval: number;
  /** WEEKLY: days of the week. */
  byDay: string[];
  /** MONTHLY: by day of month (`day`) or by the nth weekday (`nth`, e.g. 1 MO, -1 FR). */
  monthly: 'same' | 'day' | 'nth';
  monthDay: number;
  nth: number;
  nthDay: string;
  end: 'never' | 'count' | 'until';
  count: number;
  /** YYYY-MM-DD */
  until: string;
}

export const defaultModel = (): RuleModel => ({
  freq: 'WEEKLY',
  interval: 1,
  byDay: [],
  monthly: 'same',
  monthDay: 1,
  nth: 1,
  nthDay: 'MO',
  end: 'never',
  count: 10,
  until: '',
});

export function toRule(m: RuleModel): string {
  const parts = [`FREQ=${m.freq}`];
  if (m.interval > 1) parts.push(`INTERVAL=${m.interval}`);
  if (m.freq === 'WEEKLY' && m.byDay.length)
    parts.push(`BYDAY=${WEEKDAYS.filter((d) => m.byDay.includes(d)).join(',')}`);
  if (m.freq === 'MONTHLY' && m.monthly === 'day') parts.push(`BYMONTHDAY=${m.monthDay}`);
  if (m.freq === 'MONTHLY' && m.monthly === 'nth') parts.push(`BYDAY=${m.nth}${m.nthDay}`);
  if (m.end === 'count') parts.push(`COUNT=${m.count}`);
  if (m.end === 'until' && m.until) parts.push(`UNTIL=${m.until.replaceAll('-', '')}`);
  return `RRULE:${parts.join(';')}`;
}

/** The builder model of a rule, or null when the rule has parts the builder does not edit. */
export function fromRule(rule: string): RuleModel | null {
  const line = rule.replace(/^RRULE:/i, '');
  if (line.includes('\n')) return null;
  const m = defaultModel();
  for (const part of line.split(';')) {
    const [key, value = ''] = part.split('=');
    if (key === 'FREQ' && ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(value)) m.freq = value as Freq;
    else if (key === 'INTERVAL') m.interval = Number(value);
    else if (key === 'COUNT') Object.assign(m, { end: 'count', count: Number(value) });
    else if (key === 'UNTIL' && /^\d{8}$/.test(value))
      Object.assign(m, { end: 'until', until: `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` });
    else if (key === 'BYMONTHDAY' && /^-?\d+$/.test(value))
      Object.assign(m, { monthly: 'day', monthDay: Number(value) });
    else if (key === 'BYDAY' && /^-?\d[A-Z]{2}$/.test(value))
      Object.assign(m, { monthly: 'nth', nth: Number(value.slice(0, -2)), nthDay: value.slice(-2) });
    else if (key === 'BYDAY' && /^[A-Z]{2}(,[A-Z]{2})*$/.test(value)) m.byDay = value.split(',');
    else return null;
  }
  return m;
}

/** Presets offered first; each is a stored rule. */
export const PRESETS: Array<{ id: string; label: string; rule: string | null }> = [
  { id: 'none', label: 'Does not repeat', rule: null },
  { id: 'daily', label: 'Every day', rule: 'RRULE:FREQ=DAILY' },
  { id: 'weekdays', label: 'Every weekday (Mon–Fri)', rule: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
  { id: 'weekly', label: 'Every week', rule: 'RRULE:FREQ=WEEKLY' },
  { id: 'monthly', label: 'Every month', rule: 'RRULE:FREQ=MONTHLY' },
  { id: 'yearly', label: 'Every year', rule: 'RRULE:FREQ=YEARLY' },
  { id: 'custom', label: 'Custom…', rule: null },
];

export const presetOf = (rule: string | null) =>
  rule === null ? 'none' : (PRESETS.find((p) => p.rule === rule)?.id ?? 'custom');

const FREQ_WORDS: Record<Freq, [string, string]> = {
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};
const ORDINALS: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };

/** A short description for the list ("every 2 weeks on Tue, Fri"); the form shows the api's own. */
export function describeRule(rule: string): string {
  const m = fromRule(rule);
  if (!m) return 'custom repeat';
  const [one, many] = FREQ_WORDS[m.freq];
  let text = m.interval > 1 ? `every ${m.interval} ${many}` : `every ${one}`;
  if (m.freq === 'WEEKLY' && m.byDay.length) {
    text =
      m.byDay.length === 5 && !m.byDay.includes('SA') && !m.byDay.includes('SU') && m.interval === 1
        ? 'every weekday'
        : `${text} on ${m.byDay.map((d) => WEEKDAY_NAMES[d]?.slice(0, 3)).join(', ')}`;
  }
  if (m.freq === 'MONTHLY' && m.monthly === 'day')
    text += m.monthDay === -1 ? ' on the last day' : ` on day ${m.monthDay}`;
  if (m.freq === 'MONTHLY' && m.monthly === 'nth')
    text += ` on the ${ORDINALS[m.nth] ?? m.nth} ${WEEKDAY_NAMES[m.nthDay]}`;
  if (m.end === 'count') text += `, ${m.count} times`;
  if (m.end === 'until') text += `, until ${m.until}`;
  return text;
}
