/**
 * Test-only helper for the golden nextOccurrence tables: one row is
 * `[name, rule, zone, dueAt, expected, extra?]`, instants as ISO strings, `expected` null for end of series.
 */
import { expect, test } from 'bun:test';
import { nextOccurrence } from './occurrences.ts';

export const NY = 'America/New_York';
export const BERLIN = 'Europe/Berlin';

/** Optional series position: series start, occurrence index, completion time. */
export interface Extra {
  start?: string;
  index?: number;
  after?: string;
}

export type GoldenRow = [
  name: string,
  rule: string,
  timezone: string,
  dueAt: string,
  expected: string | null,
  extra?: Extra,
];

/** Registers one test per row, comparing exact instants. */
export function goldenTable(rows: GoldenRow[]): void {
  test.each(rows)('%s', (_name, rule, timezone, dueAt, expected, extra = {}) => {
    const next = nextOccurrence({
      rule,
      timezone,
      dueAt: new Date(dueAt),
      seriesStart: extra.start ? new Date(extra.start) : undefined,
      occurrenceIndex: extra.index,
      after: extra.after ? new Date(extra.after) : undefined,
    });
    expect(next?.toISOString() ?? null).toBe(expected === null ? null : new Date(expected).toISOString());
  });
}
