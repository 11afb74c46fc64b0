/**
 * English recurrence phrases → RRULE parts. chrono-node reads single dates only, so repeating ones
 * ("every 2 weeks on tuesday", "on the 1st of every month", "weekdays") are read here. Each reader
 * is a sticky regex tried at a trigger word; the leftmost, then longest, reading wins.
 */

/** A recurrence found in the text: RRULE parts (no COUNT/UNTIL: see `readSeriesEnd`), and where. */
export interface RecurrencePhrase {
  parts: Record<string, string>;
  start: number;
  end: number;
  /** A time of day the phrase implies ("every morning"), used when no time is given. */
  hour?: number;
}

const WD = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun)';
const WD_FULL = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const WD_LIST = `${WD}s?(?:\\s*(?:,\\s*and|,|and|&|/)\\s*${WD}s?)*`;
const ORD = '(?:\\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last)';
const ORD_LIST = `${ORD}(?:\\s*(?:,\\s*and|,|and|&)\\s*${ORD})*`;
const MONTH =
  '(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)';
const NUM = '(?:\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|other)';
const DAY_NUM = '(\\d{1,2})(?:st|nd|rd|th)?';

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  other: 2,
};
const ORDINAL_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, last: -1 };
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const PARTS_OF_DAY: Record<string, number> = { morning: 8, afternoon: 14, evening: 18, night: 21 };
const WEEKDAYS = 'MO,TU,WE,TH,FR';

export const toNumber = (word: string) => WORD_NUMBERS[word] ?? Number(word);
const ordinal = (word: string) => ORDINAL_WORDS[word] ?? Number.parseInt(word, 10);
const monthNumber = (word: string) => MONTHS.indexOf(word.slice(0, 3)) + 1;
const list = (text: string, item: string) => [...text.matchAll(new RegExp(item, 'g'))].map((m) => m[0]);
const byDay = (text: string) =>
  [...new Set(list(text, WD).map((d) => (d.startsWith('th') ? 'TH' : d.slice(0, 2).toUpperCase())))].join(',');
const byMonthDay = (text: string) => list(text, ORD).map(ordinal).join(',');

type Parts = Record<string, string>;
interface Reading {
  parts: Parts;
  length: number;
  hour?: number;
}

/** Runs `source` as a sticky regex at `pos`. */
function at(text: string, pos: number, source: string): RegExpExecArray | null {
  const re = new RegExp(source, 'y');
  re.lastIndex = pos;
  return re.exec(text);
}

/** "on tuesday", "on the 1st and 15th", "on the last friday", "on march 3" after a frequency. */
function readTail(text: string, pos: number, freq: string): { parts: Parts; length: number } | null {
  if (freq === 'WEEKLY') {
    const m = at(text, pos, `\\s+on\\s+(${WD_LIST})\\b`);
    if (m) return { parts: { BYDAY: byDay(m[1]!) }, length: m[0].length };
  }
  if (freq === 'MONTHLY') {
    const nth = at(text, pos, `\\s+on\\s+(?:the\\s+)?(${ORD})\\s+(${WD})\\b`);
    if (nth) return { parts: { BYDAY: `${ordinal(nth[1]!)}${byDay(nth[2]!)}` }, length: nth[0].length };
    const days = at(text, pos, `\\s+on\\s+(?:the\\s+)?(${ORD_LIST})(?:\\s+days?)?\\b`);
    if (days) return { parts: { BYMONTHDAY: byMonthDay(days[1]!) }, length: days[0].length };
  }
  if (freq === 'YEARLY') {
    const md = at(text, pos, `\\s+on\\s+(${MONTH})\\s+${DAY_NUM}\\b`);
    if (md) return { parts: { BYMONTH: String(monthNumber(md[1]!)), BYMONTHDAY: md[2]! }, length: md[0].length };
    const dm = at(text, pos, `\\s+on\\s+(?:the\\s+)?${DAY_NUM}\\s+(?:of\\s+)?(${MONTH})\\b`);
    if (dm) return { parts: { BYMONTH: String(monthNumber(dm[2]!)), BYMONTHDAY: dm[1]! }, length: dm[0].length };
  }
  return null;
}

function withTail(text: string, pos: number, parts: Parts, length: number): Reading {
  const tail = readTail(text, pos + length, parts.FREQ!);
  return tail ? { parts: { ...parts, ...tail.parts }, length: length + tail.length } : { parts, length };
}

const UNITS: Record<string, Parts> = {
  day: { FREQ: 'DAILY' },
  week: { FREQ: 'WEEKLY' },
  fortnight: { FREQ: 'WEEKLY', INTERVAL: '2' },
  month: { FREQ: 'MONTHLY' },
  quarter: { FREQ: 'MONTHLY', INTERVAL: '3' },
  year: { FREQ: 'YEARLY' },
};
const ADVERBS: Record<string, Parts> = {
  daily: { FREQ: 'DAILY' },
  weekly: { FREQ: 'WEEKLY' },
  fortnightly: { FREQ: 'WEEKLY', INTERVAL: '2' },
  biweekly: { FREQ: 'WEEKLY', INTERVAL: '2' },
  monthly: { FREQ: 'MONTHLY' },
  quarterly: { FREQ: 'MONTHLY', INTERVAL: '3' },
  yearly: { FREQ: 'YEARLY' },
  annually: { FREQ: 'YEARLY' },
};

/** The readers, each tried at every position its trigger matches. */
const readers: Array<{ trigger: RegExp; read: (text: string, pos: number) => Reading | null }> = [
  {
    // every [N|other] day/week/month/year/quarter/fortnight [tail]
    trigger: /\b(?:every|each)\b/g,
    read(text, pos): Reading | null {
      const m = at(text, pos, `(?:every|each)\\s+(?:(${NUM})\\s+)?(day|week|fortnight|month|quarter|year)s?\\b`);
      if (!m) return null;
      const unit = UNITS[m[2] ?? 'day']!;
      const interval = (m[1] ? toNumber(m[1]) : 1) * Number(unit.INTERVAL ?? 1);
      const parts: Parts = { FREQ: unit.FREQ!, ...(interval > 1 ? { INTERVAL: String(interval) } : {}) };
      return withTail(text, pos, parts, m[0].length);
    },
  },
  {
    // every weekday / workday / business day / weekend / morning
    trigger: /\b(?:every|each)\b/g,
    read(text, pos): Reading | null {
      const m = at(
        text,
        pos,
        '(?:every|each)\\s+(weekday|workday|business day|weekend|morning|afternoon|evening|night)s?\\b',
      );
      if (!m) return null;
      const word = m[1]!;
      if (word in PARTS_OF_DAY) return { parts: { FREQ: 'DAILY' }, length: m[0].length, hour: PARTS_OF_DAY[word] };
      return { parts: { FREQ: 'WEEKLY', BYDAY: word === 'weekend' ? 'SA,SU' : WEEKDAYS }, length: m[0].length };
    },
  },
  {
    // every [other] monday and thursday
    trigger: /\b(?:every|each)\b/g,
    read(text, pos): Reading | null {
      const m = at(text, pos, `(?:every|each)\\s+(?:(${NUM})\\s+)?(${WD_LIST})\\b`);
      if (!m) return null;
      const interval = m[1] ? toNumber(m[1]) : 1;
      const parts: Parts = { FREQ: 'WEEKLY', ...(interval > 1 ? { INTERVAL: String(interval) } : {}) };
      return { parts: { ...parts, BYDAY: byDay(m[2]!) }, length: m[0].length };
    },
  },
  {
    // every first monday [of the month]; every last day of the month; every 15th of the month
    trigger: /\b(?:every|each)\b/g,
    read(text, pos): Reading | null {
      const month = '(?:\\s+of\\s+(?:the|every|each)\\s+month)';
      const nth = at(text, pos, `(?:every|each)\\s+(${ORD})\\s+(${WD})${month}?\\b`);
      if (nth)
        return { parts: { FREQ: 'MONTHLY', BYDAY: `${ordinal(nth[1]!)}${byDay(nth[2]!)}` }, length: nth[0].length };
      const day = at(text, pos, `(?:every|each)\\s+(${ORD})(?:\\s+day)?${month}\\b`);
      if (day) return { parts: { FREQ: 'MONTHLY', BYMONTHDAY: byMonthDay(day[1]!) }, length: day[0].length };
      return null;
    },
  },
  {
    // every march 3rd; every 3rd of march
    trigger: /\b(?:every|each)\b/g,
    read(text, pos): Reading | null {
      const md = at(text, pos, `(?:every|each)\\s+(${MONTH})\\s+${DAY_NUM}\\b`);
      if (md)
        return {
          parts: { FREQ: 'YEARLY', BYMONTH: String(monthNumber(md[1]!)), BYMONTHDAY: md[2]! },
          length: md[0].length,
        };
      const dm = at(text, pos, `(?:every|each)\\s+${DAY_NUM}\\s+of\\s+(${MONTH})\\b`);
      if (dm)
        return {
          parts: { FREQ: 'YEARLY', BYMONTH: String(monthNumber(dm[2]!)), BYMONTHDAY: dm[1]! },
          length: dm[0].length,
        };
      return null;
    },
  },
  {
    // daily, weekly on monday, monthly on the 15th, annually on jan 1
    trigger: new RegExp(`\\b(?:${Object.keys(ADVERBS).join('|')})\\b`, 'g'),
    read(text, pos): Reading | null {
      const m = at(text, pos, `(${Object.keys(ADVERBS).join('|')})\\b`);
      return m ? withTail(text, pos, { ...ADVERBS[m[1] ?? 'daily']! }, m[0].length) : null;
    },
  },
  {
    // [on] the 1st [and 15th] | the last friday | the last day  of every [N] month(s)
    trigger: /\b(?:on|the|\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last)\b/g,
    read(text, pos): Reading | null {
      const m = at(
        text,
        pos,
        `(?:on\\s+)?(?:the\\s+)?(${ORD_LIST})(?:\\s+(${WD}))?(?:\\s+days?)?\\s+of\\s+(?:every|each)\\s+(?:(${NUM})\\s+)?months?\\b`,
      );
      if (!m) return null;
      const interval = m[3] ? toNumber(m[3]) : 1;
      const parts: Parts = { FREQ: 'MONTHLY', ...(interval > 1 ? { INTERVAL: String(interval) } : {}) };
      if (m[2]) parts.BYDAY = `${ordinal(m[1]!)}${byDay(m[2])}`;
      else parts.BYMONTHDAY = byMonthDay(m[1]!);
      return { parts, length: m[0].length };
    },
  },
  {
    // [on] weekdays | weekends | mondays and thursdays (a plural day name repeats)
    trigger: new RegExp(`\\b(?:on|weekdays|weekends|${WD_FULL}s)\\b`, 'g'),
    read(text, pos): Reading | null {
      const named = at(text, pos, '(?:on\\s+)?(weekdays|weekends)\\b');
      if (named)
        return {
          parts: { FREQ: 'WEEKLY', BYDAY: named[1] === 'weekends' ? 'SA,SU' : WEEKDAYS },
          length: named[0].length,
        };
      // Full names only: "thus" is not Thursdays.
      const plural = at(text, pos, `(?:on\\s+)?(${WD_FULL}s(?:\\s*(?:,\\s*and|,|and|&)\\s*${WD_FULL}s)*)\\b`);
      return plural ? { parts: { FREQ: 'WEEKLY', BYDAY: byDay(plural[1]!) }, length: plural[0].length } : null;
    },
  },
];

/** The leftmost (then longest) recurrence phrase in `lower` (lower-cased text), or null. */
export function findRecurrence(lower: string): RecurrencePhrase | null {
  let best: RecurrencePhrase | null = null;
  for (const { trigger, read } of readers) {
    for (const match of lower.matchAll(trigger)) {
      const pos = match.index;
      if (best && pos > best.start) break;
      const reading = read(lower, pos);
      if (!reading) continue;
      const candidate = { parts: reading.parts, start: pos, end: pos + reading.length, hour: reading.hour };
      if (!best || pos < best.start || (pos === best.start && candidate.end > best.end)) best = candidate;
      break;
    }
  }
  return best;
}

/** "for 5 times", "5 times" anywhere in the text: the series' COUNT. */
export function readCount(lower: string): { count: number; start: number; end: number } | null {
  const m = new RegExp(`(?:\\bfor\\s+)?\\b(${NUM})\\s+times\\b`).exec(lower);
  return m ? { count: toNumber(m[1]!), start: m.index, end: m.index + m[0].length } : null;
}
