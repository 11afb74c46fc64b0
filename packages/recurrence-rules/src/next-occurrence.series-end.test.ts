import { describe, expect, test } from 'bun:test';
import { BERLIN, goldenTable, NY } from './golden.testkit.ts';
import { nextOccurrence } from './index.ts';

describe('COUNT and UNTIL end the series', () => {
  const daily3 = 'FREQ=DAILY;COUNT=3';
  const start = '2025-01-01T09:00Z';
  const weeklyUntil = 'FREQ=WEEKLY;UNTIL=20250115T090000Z';
  goldenTable([
    ['COUNT=3, first task → second', daily3, 'UTC', start, '2025-01-02T09:00Z'],
    ['COUNT=3, second task → third', daily3, 'UTC', '2025-01-02T09:00Z', '2025-01-03T09:00Z', { start, index: 1 }],
    ['COUNT=3, third task ends the series', daily3, 'UTC', '2025-01-03T09:00Z', null, { start, index: 2 }],
    ['COUNT=1 has no second task', 'FREQ=WEEKLY;COUNT=1', 'UTC', start, null],
    [
      'COUNT counts tasks: days missed by a late completion do not use it up',
      daily3,
      'UTC',
      '2025-01-02T09:00Z',
      '2025-01-11T09:00Z',
      { start, index: 1, after: '2025-01-10T12:00Z' },
    ],
    ['UNTIL (UTC) is inclusive', weeklyUntil, 'UTC', '2025-01-08T09:00Z', '2025-01-15T09:00Z'],
    ['UNTIL (UTC) reached', weeklyUntil, 'UTC', '2025-01-15T09:00Z', null],
    [
      'UNTIL as a date includes that whole local day',
      'FREQ=DAILY;UNTIL=20250103',
      NY,
      '2025-01-02T14:00Z',
      '2025-01-03T14:00Z',
    ],
    ['UNTIL as a date, the next day is past it', 'FREQ=DAILY;UNTIL=20250103', NY, '2025-01-03T14:00Z', null],
    ['UNTIL as a floating time is read in the zone', 'FREQ=DAILY;UNTIL=20250103T085959', NY, '2025-01-02T14:00Z', null],
    [
      'late completion past UNTIL',
      'FREQ=DAILY;UNTIL=20250110T000000Z',
      'UTC',
      start,
      null,
      { after: '2025-02-01T00:00Z' },
    ],
  ]);
});

describe('EXDATE skips an occurrence', () => {
  const mondays = 'FREQ=WEEKLY;BYDAY=MO';
  const monday = '2025-01-06T08:00Z'; // 09:00 in Berlin
  goldenTable([
    ['local date-time', `${mondays}\nEXDATE:20250113T090000`, BERLIN, monday, '2025-01-20T08:00Z'],
    ['whole day (VALUE=DATE)', `RRULE:${mondays}\nEXDATE;VALUE=DATE:20250113`, BERLIN, monday, '2025-01-20T08:00Z'],
    ['UTC instant', `${mondays}\nEXDATE:20250113T080000Z`, BERLIN, monday, '2025-01-20T08:00Z'],
    ['two in a row', `${mondays}\nEXDATE:20250113T090000,20250120T090000`, BERLIN, monday, '2025-01-27T08:00Z'],
    ['another time of day does not match', `${mondays}\nEXDATE:20250113T100000`, BERLIN, monday, '2025-01-13T08:00Z'],
  ]);
});

describe('late completion skips to the first future occurrence', () => {
  const jan1 = '2025-01-01T14:00Z'; // 09:00 in New York
  goldenTable([
    ['completed after that day’s 09:00', 'daily', NY, jan1, '2025-01-11T14:00Z', { after: '2025-01-10T20:00Z' }],
    ['completed before that day’s 09:00', 'daily', NY, jan1, '2025-01-10T14:00Z', { after: '2025-01-10T13:00Z' }],
    ['completed exactly at an occurrence', 'daily', NY, jan1, '2025-01-06T14:00Z', { after: '2025-01-05T14:00Z' }],
    [
      'early completion counts from the due date',
      'weekly',
      'UTC',
      '2025-01-06T09:00Z',
      '2025-01-13T09:00Z',
      { after: '2025-01-01T00:00Z' },
    ],
    [
      'monthly on the 31st, months late',
      'monthly',
      'UTC',
      '2025-01-31T09:00Z',
      '2025-06-30T09:00Z',
      { after: '2025-06-15T00:00Z' },
    ],
    [
      'a decade-old daily series',
      'daily',
      BERLIN,
      '2015-03-01T08:00Z',
      '2025-07-02T07:00Z',
      { after: '2025-07-01T12:00Z' },
    ],
  ]);
});

describe('bad input throws RangeError', () => {
  const base = { dueAt: new Date('2025-01-01T09:00Z'), timezone: 'UTC', rule: 'daily' };
  test.each([
    ['invalid rule', { ...base, rule: 'FREQ=HOURLY' }, /HOURLY/],
    ['unknown zone', { ...base, timezone: 'Mars/Olympus_Mons' }, /Mars\/Olympus_Mons/],
    ['invalid due date', { ...base, dueAt: new Date('nope') }, /dueAt/],
    ['invalid completion time', { ...base, after: new Date('nope') }, /after/],
    ['negative index', { ...base, occurrenceIndex: -1 }, /occurrenceIndex/],
  ] as const)('%s', (_name, opts, message) => {
    expect(() => nextOccurrence(opts)).toThrow(RangeError);
    expect(() => nextOccurrence(opts)).toThrow(message);
  });
});
