import { describe, expect, test } from 'bun:test';
import { previewOccurrences } from './index.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

interface PreviewCase {
  name: string;
  opts: {
    rule: string;
    timezone: string;
    dueAt: string;
    count: number;
    seriesStart?: string;
    occurrenceIndex?: number;
  };
  expected: string[];
}

describe('previewOccurrences', () => {
  test.each<PreviewCase>([
    {
      name: 'starts with dueAt when it matches',
      opts: { rule: 'weekly', timezone: 'UTC', dueAt: '2025-01-06T09:00:00Z', count: 3 },
      expected: ['2025-01-06T09:00:00.000Z', '2025-01-13T09:00:00.000Z', '2025-01-20T09:00:00.000Z'],
    },
    {
      name: 'a due date off the rule is not listed',
      opts: { rule: 'FREQ=WEEKLY;BYDAY=TU', timezone: 'UTC', dueAt: '2025-01-06T09:00:00Z', count: 2 },
      expected: ['2025-01-07T09:00:00.000Z', '2025-01-14T09:00:00.000Z'],
    },
    {
      name: 'monthly on the 31st across DST in New York',
      opts: { rule: 'monthly', timezone: 'America/New_York', dueAt: '2025-01-31T14:00:00Z', count: 5 },
      expected: [
        '2025-01-31T14:00:00.000Z',
        '2025-02-28T14:00:00.000Z',
        '2025-03-31T13:00:00.000Z',
        '2025-04-30T13:00:00.000Z',
        '2025-05-31T13:00:00.000Z',
      ],
    },
    {
      name: 'COUNT=3 stops after three',
      opts: { rule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', dueAt: '2025-01-01T09:00:00Z', count: 5 },
      expected: ['2025-01-01T09:00:00.000Z', '2025-01-02T09:00:00.000Z', '2025-01-03T09:00:00.000Z'],
    },
    {
      name: 'COUNT counts an off-rule due date as the first task',
      opts: { rule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', timezone: 'UTC', dueAt: '2025-01-06T09:00:00Z', count: 5 },
      expected: ['2025-01-07T09:00:00.000Z', '2025-01-14T09:00:00.000Z'],
    },
    {
      name: 'COUNT from a later occurrence',
      opts: {
        rule: 'FREQ=DAILY;COUNT=3',
        timezone: 'UTC',
        dueAt: '2025-01-02T09:00:00Z',
        seriesStart: '2025-01-01T09:00:00Z',
        occurrenceIndex: 1,
        count: 5,
      },
      expected: ['2025-01-02T09:00:00.000Z', '2025-01-03T09:00:00.000Z'],
    },
    {
      name: 'UNTIL cuts the list',
      opts: { rule: 'FREQ=WEEKLY;UNTIL=20250115', timezone: 'Europe/Berlin', dueAt: '2025-01-01T08:00:00Z', count: 5 },
      expected: ['2025-01-01T08:00:00.000Z', '2025-01-08T08:00:00.000Z', '2025-01-15T08:00:00.000Z'],
    },
    {
      name: 'EXDATE is left out',
      opts: {
        rule: 'FREQ=DAILY\nEXDATE;VALUE=DATE:20250102',
        timezone: 'UTC',
        dueAt: '2025-01-01T09:00:00Z',
        count: 2,
      },
      expected: ['2025-01-01T09:00:00.000Z', '2025-01-03T09:00:00.000Z'],
    },
    {
      name: 'count 0 is empty',
      opts: { rule: 'daily', timezone: 'UTC', dueAt: '2025-01-01T09:00:00Z', count: 0 },
      expected: [],
    },
  ])('$name', ({ opts, expected }) => {
    const dates = previewOccurrences({
      ...opts,
      dueAt: new Date(opts.dueAt),
      seriesStart: opts.seriesStart ? new Date(opts.seriesStart) : undefined,
    });
    expect(iso(dates)).toEqual(expected);
  });

  test.each([-1, 1.5, 101])('count %p is refused', (count) => {
    expect(() => previewOccurrences({ rule: 'daily', timezone: 'UTC', dueAt: new Date(), count })).toThrow(RangeError);
  });
});
