/**
 * The time port. Services ask it instead of `new Date()` for every instant that decides behaviour
 * (when a task was completed, whether a reminder is due, what is overdue), so a test can drive days
 * of reminders in seconds. Production uses `systemClock`; nothing patches `Date`.
 */
export interface Clock {
  now(): Date;
  /** Called after the time jumps (test clocks only): pollers re-check at once instead of waiting. */
  onAdvance?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

export interface TestClock extends Clock {
  /** Moves time forward; never backwards (time in the system is monotonic). */
  advance(ms: number): Date;
  onAdvance(listener: () => void): () => void;
}

/**
 * A clock that stands still at `start` until `advance` moves it: what the system decides by time
 * depends only on the test's steps, never on how fast the machine is. (Timeouts, backoff and
 * polling keep using real time, so the system runs on while the test clock waits.)
 *
 * @example
 * const clock = createTestClock(new Date('2030-01-01T08:00:00Z'));
 * clock.advance(3 * 3600_000); // every job due in the next three hours is now due
 */
export function createTestClock(start = new Date()): TestClock {
  let now = start.getTime();
  const listeners = new Set<() => void>();
  return {
    now: () => new Date(now),
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (got ${ms} ms)`);
      now += ms;
      for (const listener of listeners) listener();
      return new Date(now);
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
