/**
 * The one retry delay of tasktide (outbox relay, embedded bus, webhook sender, embedded jobs):
 * exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter so replicas that failed
 * together do not retry together. `attempt` counts failures so far (1 = the first retry).
 *
 * @example
 * backoffDelay(3, 100, 30_000) // ≈ 400 ms (320–480)
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)) * (0.8 + random() * 0.4));
}
