import { describe } from 'bun:test';
import { BERLIN, goldenTable } from './golden.testkit.ts';

describe('monthly on the 29th-31st clamps to the month end, never skips', () => {
  const jan31 = '2025-01-31T08:00Z'; // 09:00 in Berlin
  goldenTable([
    ['Jan 31 → Feb 28', 'monthly', BERLIN, jan31, '2025-02-28T08:00Z'],
    [
      'Feb 28 → Mar 31 (back to the anchor day, now CEST)',
      'monthly',
      BERLIN,
      '2025-02-28T08:00Z',
      '2025-03-31T07:00Z',
      { start: jan31, index: 1 },
    ],
    ['Mar 31 → Apr 30', 'monthly', BERLIN, '2025-03-31T07:00Z', '2025-04-30T07:00Z', { start: jan31, index: 2 }],
    ['Apr 30 → May 31', 'monthly', BERLIN, '2025-04-30T07:00Z', '2025-05-31T07:00Z', { start: jan31, index: 3 }],
    ['leap year: Jan 31 → Feb 29', 'monthly', 'UTC', '2024-01-31T09:00Z', '2024-02-29T09:00Z'],
    [
      'Jan 30 → Feb 28 → Mar 30',
      'monthly',
      'UTC',
      '2025-02-28T09:00Z',
      '2025-03-30T09:00Z',
      { start: '2025-01-30T09:00Z' },
    ],
    [
      'bare FREQ=MONTHLY;INTERVAL=2 clamps too',
      'FREQ=MONTHLY;INTERVAL=2',
      'UTC',
      '2024-12-31T09:00Z',
      '2025-02-28T09:00Z',
    ],
    // Documented: without seriesStart the anchor is dueAt, so the clamped day sticks.
    ['without seriesStart the anchor is dueAt', 'monthly', BERLIN, '2025-02-28T08:00Z', '2025-03-28T08:00Z'],
  ]);
});

describe('explicit BYMONTHDAY follows RFC 5545', () => {
  goldenTable([
    ['BYMONTHDAY=31 skips February', 'FREQ=MONTHLY;BYMONTHDAY=31', 'UTC', '2025-01-31T09:00Z', '2025-03-31T09:00Z'],
    ['BYMONTHDAY=-1 is every last day', 'FREQ=MONTHLY;BYMONTHDAY=-1', 'UTC', '2025-01-31T09:00Z', '2025-02-28T09:00Z'],
  ]);
});

describe('yearly on Feb 29 clamps to Feb 28', () => {
  const leapDay = '2024-02-29T12:00Z';
  goldenTable([
    ['Feb 29 → Feb 28 in a common year', 'yearly', 'UTC', leapDay, '2025-02-28T12:00Z'],
    [
      'back to Feb 29 in the next leap year',
      'yearly',
      'UTC',
      '2027-02-28T12:00Z',
      '2028-02-29T12:00Z',
      { start: leapDay, index: 3 },
    ],
    [
      'explicit BYMONTHDAY=29 skips to the next leap year',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      'UTC',
      leapDay,
      '2028-02-29T12:00Z',
    ],
  ]);
});
