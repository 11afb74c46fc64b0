import { describe, expect, test } from 'bun:test';
import { defaultModel, describeRule, fromRule, presetOf, toRule } from './rrule.ts';

describe('the rule builder model', () => {
  test.each([
    ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR', 'every 2 weeks on Tue, Fri'],
    ['RRULE:FREQ=MONTHLY;BYMONTHDAY=1', 'every month on day 1'],
    ['RRULE:FREQ=MONTHLY;BYMONTHDAY=-1', 'every month on the last day'],
    ['RRULE:FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
    ['RRULE:FREQ=DAILY;COUNT=5', 'every day, 5 times'],
    ['RRULE:FREQ=YEARLY;UNTIL=20301231', 'every year, until 2030-12-31'],
    ['RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'every weekday'],
  ])('%s round-trips and reads as "%s"', (rule, text) => {
    const model = fromRule(rule);
    expect(model).not.toBeNull();
    expect(toRule(model!)).toBe(rule);
    expect(describeRule(rule)).toBe(text);
  });

  test('parts the builder does not edit keep the rule as text', () => {
    expect(fromRule('RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3')).toBeNull();
    expect(describeRule('RRULE:FREQ=YEARLY;BYWEEKNO=1')).toBe('custom repeat');
  });

  test('presets are recognised, anything else is custom', () => {
    expect(presetOf(null)).toBe('none');
    expect(presetOf('RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')).toBe('weekdays');
    expect(presetOf(toRule({ ...defaultModel(), interval: 3 }))).toBe('custom');
  });
});
