import { describe } from 'bun:test';
import { BERLIN, goldenTable, NY } from './golden.testkit.ts';

describe('DST keeps the local wall-clock time', () => {
  goldenTable([
    ['New York spring forward, daily 09:00', 'daily', NY, '2025-03-08T14:00Z', '2025-03-09T13:00Z'],
    ['New York fall back, daily 09:00', 'daily', NY, '2025-11-01T13:00Z', '2025-11-02T14:00Z'],
    ['New York spring forward, weekly on Monday', 'weekly', NY, '2025-03-03T14:00Z', '2025-03-10T13:00Z'],
    ['Berlin spring forward, daily 09:00', 'daily', BERLIN, '2025-03-29T08:00Z', '2025-03-30T07:00Z'],
    ['Berlin fall back, daily 09:00', 'daily', BERLIN, '2025-10-25T07:00Z', '2025-10-26T08:00Z'],
    ['Berlin fall back, weekly on Saturday', 'weekly', BERLIN, '2025-10-25T07:00Z', '2025-11-01T08:00Z'],
    ['Kolkata has no DST (+05:30)', 'daily', 'Asia/Kolkata', '2025-03-29T03:30Z', '2025-03-30T03:30Z'],
  ]);
});

describe('DST gap and overlap times', () => {
  goldenTable([
    // 02:30 does not exist on the spring-forward night: pushed forward by the gap to 03:30.
    ['New York 02:30 on Mar 9 becomes 03:30 EDT', 'daily', NY, '2025-03-08T07:30Z', '2025-03-09T07:30Z'],
    ['Berlin 02:30 on Mar 30 becomes 03:30 CEST', 'daily', BERLIN, '2025-03-29T01:30Z', '2025-03-30T01:30Z'],
    [
      'after the gap the series is back at 02:30 (wall clock comes from the series start)',
      'daily',
      NY,
      '2025-03-09T07:30Z',
      '2025-03-10T06:30Z',
      { start: '2025-03-08T07:30Z', index: 1 },
    ],
    // 01:30 happens twice on the fall-back night: the first (daylight-time) one.
    ['New York 01:30 on Nov 2 is the EDT one', 'daily', NY, '2025-11-01T05:30Z', '2025-11-02T05:30Z'],
    ['New York 01:30 the day after is EST', 'daily', NY, '2025-11-02T05:30Z', '2025-11-03T06:30Z'],
  ]);
});

describe('weekday rules', () => {
  const lastFriday = 'FREQ=MONTHLY;BYDAY=-1FR';
  const everyOtherTuesday = 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU';
  goldenTable([
    ['last Friday (-1FR): Jan 31 → Feb 28', lastFriday, 'UTC', '2025-01-31T09:00Z', '2025-02-28T09:00Z'],
    ['last Friday (-1FR): Feb 28 → Mar 28', lastFriday, 'UTC', '2025-02-28T09:00Z', '2025-03-28T09:00Z'],
    [
      'last Friday (BYSETPOS=-1): Mar 28 → Apr 25',
      'FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1',
      'UTC',
      '2025-03-28T09:00Z',
      '2025-04-25T09:00Z',
    ],
    ['every 2nd Tuesday: Jan 7 → Jan 21', everyOtherTuesday, NY, '2025-01-07T14:00Z', '2025-01-21T14:00Z'],
    [
      'every 2nd Tuesday across DST: Mar 4 → Mar 18 (EDT)',
      everyOtherTuesday,
      NY,
      '2025-03-04T14:00Z',
      '2025-03-18T13:00Z',
      { start: '2025-01-07T14:00Z', index: 4 },
    ],
    [
      'every 2nd Tuesday keeps its phase after a late completion',
      everyOtherTuesday,
      NY,
      '2025-01-07T14:00Z',
      '2025-02-18T14:00Z',
      { after: '2025-02-10T00:00Z' },
    ],
    [
      'a due date off the rule moves to the first match',
      'FREQ=WEEKLY;BYDAY=TU',
      'UTC',
      '2025-01-06T09:00Z',
      '2025-01-07T09:00Z',
    ],
  ]);
});
