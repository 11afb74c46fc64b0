import { describe, expect, test } from 'bun:test';
import { normalizeRecurrence, previewOccurrences } from '@tasktide/recurrence-rules';
import ICAL from 'ical.js';
import { buildCalendar, type FeedTask } from './ics.ts';
import { parseFeed } from './testing.ts';

/**
 * The feed must mean, in real clients' libraries, what the recurrence engine does: every series is
 * written out, parsed back with Mozilla's ical.js (Thunderbird's parser) and expanded, and the
 * instants must equal the engine's own next occurrences — across DST, month ends, COUNT, UNTIL and
 * EXDATE, in zones east and west of UTC.
 */

function expand(vevent: ICAL.Component, count: number): string[] {
  const iterator = new ICAL.Event(vevent).iterator();
  const out: string[] = [];
  for (let next = iterator.next(); next && out.length < count; next = iterator.next()) {
    out.push(next.toJSDate().toISOString());
  }
  return out;
}

const task = (over: Partial<FeedTask>): FeedTask => ({
  id: crypto.randomUUID(),
  title: 'water plants',
  description: '',
  priority: 'none',
  tags: [],
  dueAt: new Date('2026-03-27T08:00:00Z'),
  timezone: 'Europe/Berlin',
  reminders: [],
  recurrence: null,
  seriesId: null,
  seriesStart: null,
  occurrenceIndex: 0,
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

// [what, rule as a user typed it, zone, series start (first due), open occurrence's index]
const series: [string, string, string, string, number][] = [
  ['daily across the spring DST change', 'daily', 'Europe/Berlin', '2026-03-27T08:00:00Z', 0],
  ['weekly across the autumn DST change', 'weekly', 'America/New_York', '2026-10-20T13:30:00Z', 0],
  [
    'every 2 weeks on Tuesday and Friday',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR',
    'Europe/Berlin',
    '2026-01-06T07:00:00Z',
    0,
  ],
  ['weekdays', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'Asia/Tokyo', '2026-05-01T00:00:00Z', 0],
  ['monthly on the 31st (clamped to month end)', 'monthly', 'Europe/Berlin', '2026-01-31T08:00:00Z', 0],
  ['monthly on the 30th, later in the series', 'monthly', 'Australia/Sydney', '2026-01-29T22:00:00Z', 1],
  ['every 2 months on the 29th', 'FREQ=MONTHLY;INTERVAL=2', 'UTC', '2026-01-29T09:00:00Z', 0],
  ['last Friday of the month', 'FREQ=MONTHLY;BYDAY=-1FR', 'America/Los_Angeles', '2026-01-30T17:00:00Z', 0],
  ['yearly on 29 February', 'yearly', 'Europe/London', '2028-02-29T09:00:00Z', 0],
  [
    'monthly on the 30th, COUNT=5 (February given as an RDATE)',
    'FREQ=MONTHLY;COUNT=5',
    'Europe/Berlin',
    '2026-01-30T08:00:00Z',
    0,
  ],
  ['COUNT=6, three already done', 'FREQ=DAILY;COUNT=6', 'Europe/Berlin', '2026-06-01T07:00:00Z', 3],
  ['UNTIL a local date', 'FREQ=DAILY;UNTIL=20260610', 'Asia/Kolkata', '2026-06-01T03:30:00Z', 0],
  ['UNTIL an instant', 'FREQ=WEEKLY;UNTIL=20260701T000000Z', 'Europe/Berlin', '2026-06-01T07:00:00Z', 0],
  [
    'EXDATE days and times',
    'RRULE:FREQ=DAILY\nEXDATE;VALUE=DATE:20260603\nEXDATE:20260605T090000',
    'Europe/Berlin',
    '2026-06-01T07:00:00Z',
    0,
  ],
];

describe('the feed’s recurring events expand, in ical.js, to the engine’s occurrences', () => {
  test.each(series)('%s', (_what, input, timezone, start, index) => {
    const normalized = normalizeRecurrence(input);
    if (!normalized.ok) throw new Error(normalized.message);
    const rule = normalized.rule;
    const seriesStart = new Date(start);
    // The open occurrence: the `index`-th of the series.
    const dueAt =
      index === 0
        ? seriesStart
        : (previewOccurrences({ rule, dueAt: seriesStart, timezone, count: index + 1 }).at(-1) as Date);
    const engine = previewOccurrences({ rule, dueAt, timezone, seriesStart, occurrenceIndex: index, count: 40 });
    const text = buildCalendar(
      [task({ recurrence: rule, timezone, dueAt, seriesStart, occurrenceIndex: index, seriesId: crypto.randomUUID() })],
      { name: 't', now: new Date() },
    );
    const [vevent] = parseFeed(text).getAllSubcomponents('vevent');
    expect(expand(vevent as ICAL.Component, 40)).toEqual(engine.map((d) => d.toISOString()));
  });
});

describe('one event per task, as clients read it', () => {
  test('title, zone, 30 minutes from the due time, alarms, priority, categories, private', () => {
    const text = buildCalendar(
      [
        task({
          title: 'Pay rent; then, relax',
          description: 'bank transfer',
          tags: ['bills', 'home'],
          priority: 'high',
          reminders: [1440, 60],
          timezone: 'America/New_York',
          dueAt: new Date('2026-12-01T14:00:00Z'),
        }),
      ],
      { name: 'tasktide — Ada', now: new Date() },
    );
    const calendar = parseFeed(text);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('tasktide — Ada');
    const vevent = calendar.getFirstSubcomponent('vevent') as ICAL.Component;
    const event = new ICAL.Event(vevent);
    expect(event.summary).toBe('Pay rent; then, relax');
    expect(event.description).toBe('bank transfer\n\n#bills #home');
    expect(event.startDate.zone?.tzid).toBe('America/New_York');
    expect(event.startDate.toString()).toBe('2026-12-01T09:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(vevent.getFirstPropertyValue('priority') as unknown).toBe(1);
    expect(vevent.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(vevent.getFirstProperty('categories')?.getValues()).toEqual(['bills', 'home']);
    const alarms = vevent
      .getAllSubcomponents('valarm')
      .map((a) => [a.getFirstPropertyValue('action'), String(a.getFirstPropertyValue('trigger'))]);
    expect(alarms).toEqual([
      ['DISPLAY', '-P1D'],
      ['DISPLAY', '-PT1H'],
    ]);
    expect(event.isRecurring()).toBe(false);
  });

  test('a zone is described once (VTIMEZONE) however many tasks use it', () => {
    const text = buildCalendar(
      [task({}), task({ dueAt: new Date('2026-05-01T08:00:00Z') }), task({ timezone: 'Asia/Tokyo' })],
      { name: 't', now: new Date() },
    );
    const zones = parseFeed(text)
      .getAllSubcomponents('vtimezone')
      .map((z) => z.getFirstPropertyValue('tzid'));
    expect(zones.sort()).toEqual(['Asia/Tokyo', 'Europe/Berlin']);
  });
});
