import { expect, test } from 'bun:test';
import { quietUntil, toHhmm, toMinutes } from './quiet-hours.ts';

const at = (iso: string) => new Date(iso);
const Q = (start: string, end: string) => [toMinutes(start), toMinutes(end)] as const;

test.each([
  // [what, now, zone, quiet window, quiet until (null: not quiet)]
  ['before a window that spans midnight', '2030-01-07T20:59:00Z', 'Europe/Berlin', Q('22:00', '07:00'), null],
  ['at its start', '2030-01-07T21:00:00Z', 'Europe/Berlin', Q('22:00', '07:00'), '2030-01-08T06:00:00.000Z'],
  ['before midnight', '2030-01-07T22:30:00Z', 'Europe/Berlin', Q('22:00', '07:00'), '2030-01-08T06:00:00.000Z'],
  ['after midnight', '2030-01-08T03:00:00Z', 'Europe/Berlin', Q('22:00', '07:00'), '2030-01-08T06:00:00.000Z'],
  ['at its end', '2030-01-08T06:00:00Z', 'Europe/Berlin', Q('22:00', '07:00'), null],
  ['a daytime window', '2030-01-07T13:00:00Z', 'America/New_York', Q('08:00', '12:00'), '2030-01-07T17:00:00.000Z'],
  ['after a daytime window', '2030-01-07T17:00:00Z', 'America/New_York', Q('08:00', '12:00'), null],
  // Spring forward in Berlin (2030-03-31 02:00 → 03:00): the window still ends at 07:00 local (05:00Z).
  [
    'across the spring DST change',
    '2030-03-30T22:00:00Z',
    'Europe/Berlin',
    Q('22:00', '07:00'),
    '2030-03-31T05:00:00.000Z',
  ],
  // Fall back in New York (2030-11-03 02:00 → 01:00): 07:00 local is 12:00Z.
  [
    'across the autumn DST change',
    '2030-11-03T04:00:00Z',
    'America/New_York',
    Q('22:00', '07:00'),
    '2030-11-03T12:00:00.000Z',
  ],
  ['an empty window', '2030-01-07T22:30:00Z', 'UTC', Q('07:00', '07:00'), null],
])('%s', (_what, now, zone, [start, end], expected) => {
  expect(quietUntil(at(now), zone, start, end)?.toISOString() ?? null).toBe(expected);
});

test('HH:MM and minutes round-trip', () => {
  for (const m of [0, 59, 60, 7 * 60, 22 * 60 + 30, 23 * 60 + 59]) expect(toMinutes(toHhmm(m))).toBe(m);
});
