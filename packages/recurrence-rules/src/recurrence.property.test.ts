import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { nextOccurrence } from './index.ts';
import { parseInput } from './normalize.ts';
import { walkSeries } from './series.ts';
import { fromWallClock, toWallClock } from './zone.ts';

const zones = fc.constantFrom(
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
);
const instants = fc.date({
  min: new Date('1995-01-01T00:00:00Z'),
  max: new Date('2045-12-31T00:00:00Z'),
  noInvalidDate: true,
});
const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The wall-clock date the preset should land on next, from the due date's wall clock. */
function expectedWall(preset: string, due: Date): Date {
  const y = due.getUTCFullYear();
  const m = due.getUTCMonth();
  const d = due.getUTCDate();
  const timeOfDay = due.getTime() - Date.UTC(y, m, d);
  if (preset === 'daily') return new Date(due.getTime() + DAY_MS);
  if (preset === 'weekly') return new Date(due.getTime() + 7 * DAY_MS);
  const [ny, nm] = preset === 'monthly' ? [y + Math.floor((m + 1) / 12), (m + 1) % 12] : [y + 1, m];
  return new Date(Date.UTC(ny, nm, Math.min(d, daysInMonth(ny, nm))) + timeOfDay);
}

describe('properties', () => {
  test('presets: the next occurrence is strictly after the due date and keeps the local wall-clock time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('daily', 'weekly', 'monthly', 'yearly'),
        zones,
        instants,
        (preset, timezone, dueAt) => {
          const next = nextOccurrence({ rule: preset, dueAt, timezone });
          expect(next).not.toBeNull();
          if (!next) return;
          expect(next.getTime()).toBeGreaterThan(dueAt.getTime());
          const wanted = expectedWall(preset, toWallClock(dueAt, timezone));
          const exists = toWallClock(fromWallClock(wanted, timezone), timezone).getTime() === wanted.getTime();
          // Same local date and time; only when that time falls in a DST gap is it pushed past the gap.
          if (exists) expect(toWallClock(next, timezone).toISOString()).toBe(wanted.toISOString());
          else expect(next.getTime()).toBe(fromWallClock(wanted, timezone).getTime());
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a late completion lands strictly after it, and no occurrence is skipped before it', () => {
    const rules = fc.constantFrom(
      'daily',
      'weekly',
      'monthly',
      'yearly',
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH',
      'FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,MO',
      'FREQ=MONTHLY;INTERVAL=2',
      'FREQ=MONTHLY;BYDAY=-1FR',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=MONTHLY;BYMONTHDAY=31',
      'FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7',
      'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
      'FREQ=YEARLY;BYYEARDAY=-1',
    );
    const late = fc.integer({ min: 0, max: 3000 * DAY_MS });
    fc.assert(
      fc.property(rules, zones, instants, late, (rule, timezone, dueAt, lateBy) => {
        const after = new Date(dueAt.getTime() + lateBy);
        const next = nextOccurrence({ rule, dueAt, timezone, after });
        // The reference walks the whole series from the start, without the fast-forward shortcut.
        const parsed = parseInput(rule);
        if (!parsed.ok) throw new Error(parsed.message);
        let reference: Date | null = null;
        walkSeries(parsed.rule, dueAt, timezone, (instant) => {
          if (instant.getTime() <= after.getTime()) return true;
          reference = instant;
          return false;
        });
        expect(next?.toISOString()).toBe((reference as Date | null)?.toISOString());
        if (next) expect(next.getTime()).toBeGreaterThan(after.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
