import { describe, expect, test } from 'bun:test';
import type { TaskSnapshot } from '@tasktide/events';
import { nextDueOnSchedule } from './next.ts';

const task = (over: Partial<typeof TaskSnapshot.static> = {}): typeof TaskSnapshot.static => ({
  task_id: '00000000-0000-4000-8000-000000000001',
  title: 'water plants',
  description: '',
  priority: 'none',
  tags: [],
  due_at: '2030-01-07T09:00:00.000Z',
  timezone: 'Europe/Berlin',
  reminders: [],
  recurrence: 'RRULE:FREQ=DAILY',
  recurrence_mode: 'on_schedule',
  status: 'open',
  completed_at: null,
  series_id: '00000000-0000-4000-8000-000000000001',
  parent_id: null,
  version: 1,
  series_start: '2030-01-07T09:00:00.000Z',
  occurrence_index: 0,
  ...over,
});

// The catch-up rule: the first slot after now — on time that is the next one, after downtime the
// next future one, never one per missed period.
describe('nextDueOnSchedule', () => {
  test.each([
    ['fired on time', {}, '2030-01-07T09:00:00.000Z', '2030-01-08T09:00:00.000Z'],
    ['fired a little late', {}, '2030-01-07T09:00:31.000Z', '2030-01-08T09:00:00.000Z'],
    ['after three days down', {}, '2030-01-10T10:00:00.000Z', '2030-01-11T09:00:00.000Z'],
    ['down until exactly a slot', {}, '2030-01-10T09:00:00.000Z', '2030-01-11T09:00:00.000Z'],
    [
      'weekly, two weeks down',
      { recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO' },
      '2030-01-22T08:00:00.000Z',
      '2030-01-28T09:00:00.000Z',
    ],
    [
      'COUNT used up',
      { recurrence: 'RRULE:FREQ=DAILY;COUNT=3', occurrence_index: 2 },
      '2030-01-07T09:00:00.000Z',
      null,
    ],
    [
      'UNTIL passed while down',
      { recurrence: 'RRULE:FREQ=DAILY;UNTIL=20300109T090000Z' },
      '2030-01-10T10:00:00.000Z',
      null,
    ],
    ['a series on completion', { recurrence_mode: 'on_completion' as const }, '2030-01-07T09:00:00.000Z', null],
    ['events from before the mode existed', { recurrence_mode: undefined }, '2030-01-07T09:00:00.000Z', null],
  ])('%s', (_name, over, now, expected) => {
    expect(nextDueOnSchedule(task(over), new Date(now))?.toISOString() ?? null).toBe(expected);
  });
});
