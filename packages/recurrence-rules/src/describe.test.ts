import { expect, test } from 'bun:test';
import { describeRecurrence } from './index.ts';

test.each([
  ['daily', 'every day'],
  ['weekly', 'every week'],
  ['monthly', 'every month'],
  ['yearly', 'every year'],
  ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', 'every 2 weeks on Tuesday'],
  ['FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
  ['FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1', 'every month on the last Friday'],
  ['FREQ=DAILY;COUNT=3', 'every day for 3 times'],
  ['FREQ=WEEKLY;BYDAY=MO\nEXDATE:20250113T090000', 'every week on Monday, except 1 date'],
  ['FREQ=MONTHLY;BYMONTHDAY=-1', 'every month on the last day'],
  ['FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', 'every November on the 4th Thursday'],
  ['FREQ=DAILY;UNTIL=20250301T090000Z', 'every day until March 1, 2025'],
  [
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'every month on weekdays (FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)',
  ],
  ['FREQ=YEARLY;BYMONTH=11;BYDAY=FR;BYSETPOS=-1', 'every November on the last Friday'],
  ['garbage', 'garbage'],
  ['FREQ=HOURLY', 'FREQ=HOURLY'],
])('%j → %j', (rule, text) => {
  expect(describeRecurrence(rule)).toBe(text);
});
