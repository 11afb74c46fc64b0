import { describe, expect, test } from 'bun:test';
import { normalizeRecurrence } from './index.ts';

describe('normalizeRecurrence: presets and canonical form', () => {
  test.each([
    ['daily', 'RRULE:FREQ=DAILY'],
    [' Weekly ', 'RRULE:FREQ=WEEKLY'],
    ['MONTHLY', 'RRULE:FREQ=MONTHLY'],
    ['yearly', 'RRULE:FREQ=YEARLY'],
    ['FREQ=DAILY', 'RRULE:FREQ=DAILY'],
    ['rrule:freq=weekly;byday=fr,mo,mo;interval=1', 'RRULE:FREQ=WEEKLY;BYDAY=MO,FR'],
    ['RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR', 'RRULE:FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1'],
    ['FREQ=MONTHLY;BYDAY=-1FR', 'RRULE:FREQ=MONTHLY;BYDAY=-1FR'],
    ['FREQ=MONTHLY;BYMONTHDAY=31,-1,1', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=-1,1,31'],
    ['RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=TU;INTERVAL=2', 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'],
    ['FREQ=WEEKLY;WKST=SU;INTERVAL=2', 'RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU'],
    ['FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH'],
    ['FREQ=DAILY;COUNT=3', 'RRULE:FREQ=DAILY;COUNT=3'],
    ['FREQ=DAILY;UNTIL=20250301T000000Z', 'RRULE:FREQ=DAILY;UNTIL=20250301T000000Z'],
    ['FREQ=DAILY;UNTIL=20250301', 'RRULE:FREQ=DAILY;UNTIL=20250301'],
    [
      'RRULE:FREQ=DAILY\r\nEXDATE:20250105T090000,20250103T090000\n\nexdate;value=date:20250110',
      'RRULE:FREQ=DAILY\nEXDATE;VALUE=DATE:20250110\nEXDATE:20250103T090000,20250105T090000',
    ],
    ['FREQ=DAILY\nEXDATE:20250103T090000Z\nEXDATE:20250103T090000Z', 'RRULE:FREQ=DAILY\nEXDATE:20250103T090000Z'],
  ])('%j → %j', (input, canonical) => {
    expect(normalizeRecurrence(input)).toEqual({ ok: true, rule: canonical });
    // Canonical means stable: normalizing the stored form changes nothing.
    expect(normalizeRecurrence(canonical)).toEqual({ ok: true, rule: canonical });
  });
});

describe('normalizeRecurrence: rejected input says why', () => {
  test.each([
    ['', /empty/],
    ['garbage', /not a preset \(daily, weekly, monthly, yearly\), an RRULE or an EXDATE/],
    ['every tuesday', /not a preset/],
    ['FREQ=HOURLY', /FREQ=HOURLY is not supported: tasks repeat at most daily/],
    ['RRULE:FREQ=MINUTELY;INTERVAL=15', /FREQ=MINUTELY is not supported/],
    ['FREQ=SECONDLY', /FREQ=SECONDLY is not supported/],
    ['DTSTART:20250101T090000Z\nRRULE:FREQ=DAILY', /DTSTART is not allowed.*due date/],
    ['DTSTART;TZID=Europe/Berlin:20250101T090000\nRRULE:FREQ=DAILY', /DTSTART is not allowed/],
    ['RRULE:FREQ=DAILY;DTSTART=20250101T090000Z', /DTSTART is not allowed/],
    ['FREQ=FORTNIGHTLY', /Unknown FREQ 'FORTNIGHTLY'/],
    ['INTERVAL=2', /needs a FREQ/],
    ['FREQ=DAILY;INTERVAL=0', /INTERVAL must be a whole number/],
    ['FREQ=DAILY;COUNT=two', /COUNT must be a whole number/],
    ['FREQ=DAILY;COUNT=3;UNTIL=20250101', /COUNT and UNTIL cannot both be set/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY value 'XX'/],
    ['FREQ=WEEKLY;BYDAY=-1FR', /ordinals .* need FREQ=MONTHLY or FREQ=YEARLY/],
    ['FREQ=MONTHLY;BYMONTHDAY=32', /BYMONTHDAY value 32 is out of range/],
    ['FREQ=MONTHLY;BYMONTH=13', /BYMONTH value 13 is out of range/],
    ['FREQ=WEEKLY;BYMONTHDAY=1', /BYMONTHDAY cannot be used with FREQ=WEEKLY/],
    ['FREQ=MONTHLY;BYSETPOS=-1', /BYSETPOS needs another BYxxx part/],
    ['FREQ=DAILY;BYHOUR=9', /BYHOUR is not supported: the time of day comes from the task due date/],
    ['FREQ=DAILY;FOO=1', /Unsupported RRULE part 'FOO'/],
    ['FREQ=DAILY;FREQ=WEEKLY', /FREQ appears twice/],
    ['FREQ=DAILY;INTERVAL', /Malformed RRULE part 'INTERVAL'/],
    ['FREQ=DAILY;UNTIL=20250230', /UNTIL '20250230' is not a valid calendar date/],
    ['FREQ=DAILY;UNTIL=tomorrow', /UNTIL 'TOMORROW' is not an RFC 5545 date/],
    ['FREQ=DAILY\nEXDATE;TZID=Europe/Berlin:20250101T090000', /EXDATE must not carry a TZID/],
    ['FREQ=DAILY\nEXDATE:2025-01-01', /EXDATE '2025-01-01' is not an RFC 5545 date/],
    ['FREQ=DAILY\nRDATE:20250101', /not a preset/],
    ['FREQ=DAILY\nFREQ=WEEKLY', /Only one RRULE line/],
    ['EXDATE:20250101', /needs an RRULE line/],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /never produces a date/],
    [`FREQ=DAILY;${'BYMONTH=1;'.repeat(300)}`, /longer than 2000 characters/],
  ])('%j', (input, message) => {
    const result = normalizeRecurrence(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
