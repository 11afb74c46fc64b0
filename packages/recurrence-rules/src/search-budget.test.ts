import { describe, expect, test } from 'bun:test';
import { nextOccurrence, normalizeRecurrence, previewOccurrences } from './index.ts';

// rrule.js searches to year 9999 when nothing matches (15 s for a daily rule); the engine must not.

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

describe('rules that match nothing are bounded, not a 15-second search', () => {
  test.each([
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
    'FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=7',
    'FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31',
    'FREQ=YEARLY;BYWEEKNO=1;BYMONTH=7',
  ])('normalize refuses %j quickly', (rule) => {
    const { value } = timed(() => normalizeRecurrence(rule));
    expect(value).toEqual({ ok: false, message: 'The rule never produces a date' });
  });

  test('an INTERVAL whose phase never meets BYDAY ends the series (every 7 days on Monday, due on a Tuesday)', () => {
    const rule = 'FREQ=DAILY;INTERVAL=7;BYDAY=MO';
    expect(normalizeRecurrence(rule).ok).toBe(true);
    const dueAt = new Date('2025-01-07T09:00:00Z');
    const { value } = timed(() => nextOccurrence({ rule, dueAt, timezone: 'UTC' }));
    expect(value).toBeNull();
    expect(previewOccurrences({ rule, dueAt, timezone: 'UTC', count: 5 })).toEqual([]);
  });

  test('a sparse but real rule is still found (Feb 29 on a Monday: 2044)', () => {
    const next = nextOccurrence({
      rule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
      dueAt: new Date('2025-01-07T09:00:00Z'),
      timezone: 'UTC',
    });
    expect(next?.toISOString()).toBe('2044-02-29T09:00:00.000Z');
  });
});
