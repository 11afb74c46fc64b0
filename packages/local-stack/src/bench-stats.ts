/** Percentiles and a plain table for the benchmark scripts (numbers printed, never asserted). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarize(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? Number.NaN,
  };
}

export function printTable(title: string, rows: Record<string, string | number>[]) {
  console.log(`\n${title}`);
  console.table(
    rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(2)) : v])),
    ),
  );
}

/** Runs `fn` with `concurrency` workers for `durationMs`; returns each call's latency in ms. */
export async function closedLoop(
  fn: () => Promise<unknown>,
  { concurrency, durationMs }: { concurrency: number; durationMs: number },
) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await fn();
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, errors, seconds: durationMs / 1000 };
}

/** Fires `fn` at a fixed rate (open loop, so a slow server cannot slow the arrivals). */
export async function openLoop(
  fn: () => Promise<unknown>,
  { ratePerSecond, durationMs }: { ratePerSecond: number; durationMs: number },
) {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    inflight.push(
      (async () => {
        // Latency counts from the scheduled send time, so queueing in the client is not hidden.
        try {
          await fn();
          latencies.push(performance.now() - due);
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors, achievedRate: total / ((performance.now() - start) / 1000) };
}
