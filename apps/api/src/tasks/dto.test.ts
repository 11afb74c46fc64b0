import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { timestampIso } from './dto.ts';

/** A timestamptz as Postgres prints it with the given offset (hours): fraction without trailing zeros. */
function postgresText(date: Date, offsetHours = 0): string {
  const local = new Date(date.getTime() + offsetHours * 3_600_000).toISOString();
  const fraction = local.slice(20, 23).replace(/0+$/, '');
  const offset = `${offsetHours < 0 ? '-' : '+'}${String(Math.abs(offsetHours)).padStart(2, '0')}`;
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${fraction ? `.${fraction}` : ''}${offset}`;
}

describe('timestampIso', () => {
  const dates = fc.date({
    min: new Date('0001-01-02T00:00:00Z'),
    max: new Date('9999-12-30T00:00:00Z'),
    noInvalidDate: true,
  });

  test('reads what Postgres prints, in UTC or at an offset, as the instant a Date would be', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -12, max: 14 }), (date, offset) => {
        expect(timestampIso(postgresText(date, 0))).toBe(date.toISOString());
        expect(timestampIso(postgresText(date, offset))).toBe(date.toISOString());
      }),
    );
  });

  test('microseconds are cut to milliseconds, years below 100 stay themselves', () => {
    expect(timestampIso('2030-01-01 08:00:00.123456+00')).toBe('2030-01-01T08:00:00.123Z');
    expect(timestampIso('0099-01-01 00:00:00+00')).toBe('0099-01-01T00:00:00.000Z');
    expect(timestampIso('0099-03-01 01:00:00+01')).toBe('0099-03-01T00:00:00.000Z');
  });

  test('a Date (PGlite) is printed as it is', () => {
    expect(timestampIso(new Date('2030-01-01T08:00:00.5Z'))).toBe('2030-01-01T08:00:00.500Z');
  });
});
