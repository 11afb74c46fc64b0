import { describe, expect, test } from 'bun:test';
import { fromWallClock, isTimeZone, toWallClock } from './zone.ts';

/** Wall-clock values are written as ISO strings without a zone, e.g. '2025-03-09T02:30:00'. */
const wall = (local: string) => new Date(`${local}Z`);

describe('wall clock ↔ instant, independent of the process TZ', () => {
  test.each([
    ['America/New_York', '2025-01-15T09:00:00', '2025-01-15T14:00:00.000Z'],
    ['America/New_York', '2025-07-15T09:00:00', '2025-07-15T13:00:00.000Z'],
    ['Europe/Berlin', '2025-07-15T09:00:00', '2025-07-15T07:00:00.000Z'],
    ['Asia/Kolkata', '2025-07-15T09:00:00', '2025-07-15T03:30:00.000Z'],
    ['Asia/Kathmandu', '2025-07-15T09:00:00', '2025-07-15T03:15:00.000Z'],
    ['Pacific/Auckland', '2025-01-01T00:00:00', '2024-12-31T11:00:00.000Z'],
    // Spring gap: pushed forward by the gap's length.
    ['America/New_York', '2025-03-09T02:30:00', '2025-03-09T07:30:00.000Z'],
    ['Europe/Berlin', '2025-03-30T02:30:00', '2025-03-30T01:30:00.000Z'],
    // Autumn overlap: the earlier of the two instants.
    ['America/New_York', '2025-11-02T01:30:00', '2025-11-02T05:30:00.000Z'],
    ['Europe/Berlin', '2025-10-26T02:30:00', '2025-10-26T00:30:00.000Z'],
  ])('%s %s → %s', (zone, local, instant) => {
    expect(fromWallClock(wall(local), zone).toISOString()).toBe(instant);
  });

  test('toWallClock reads the local fields, milliseconds included', () => {
    expect(toWallClock(new Date('2025-11-02T06:30:00.250Z'), 'America/New_York').toISOString()).toBe(
      '2025-11-02T01:30:00.250Z',
    );
    expect(toWallClock(new Date('2025-01-01T00:00:00Z'), 'Asia/Kolkata').toISOString()).toBe(
      '2025-01-01T05:30:00.000Z',
    );
  });

  test('isTimeZone knows IANA names only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
