/**
 * `bun run bench:reminders`: 1,000 reminder jobs spread over 60 s on the real Dapr scheduler
 * (daprd 1.18.1 + scheduler started here), each callback recording fire time − due time. Reports
 * lateness p50/p99/max and how many fired early (must be 0). `--embedded` runs the same load on the
 * embedded scheduler instead. Prints; asserts nothing.
 */

import { createDb } from '@tasktide/db';
import { printTable, startLocalStack, summarize } from '@tasktide/local-stack';
import { createEmbeddedRuntime, type Platform } from '@tasktide/platform';
import { Elysia } from 'elysia';

const count = Number(process.env.BENCH_REMINDERS ?? 1000);
const spreadMs = Number(process.env.BENCH_SPREAD_MS ?? 60_000);
const embedded = process.argv.includes('--embedded');
const fired = new Map<string, number>();
let duplicates = 0;
const onJob = async (name: string) => {
  if (fired.has(name)) duplicates++;
  else fired.set(name, Date.now());
};

let platform: Platform;
let close: () => Promise<void>;
if (embedded) {
  const db = await createDb({ dataDir: 'memory://' });
  const runtime = await createEmbeddedRuntime({ db });
  platform = runtime.platform('bench-reminders');
  platform.onJob(onJob);
  close = async () => {
    await runtime.close();
    await db.close();
  };
} else {
  const stack = await startLocalStack();
  const app = await stack.startApp('bench-reminders', (p) => new Elysia().use(p.onJob(onJob)));
  platform = app.platform;
  close = () => stack.close();
}

const start = Date.now() + 5_000;
const due = new Map<string, number>();
for (let i = 0; i < count; i++) {
  const name = `bench-${i}-${crypto.randomUUID().slice(0, 6)}`;
  const at = start + Math.round((i * spreadMs) / count);
  due.set(name, at);
  await platform.jobs.schedule(name, { dueTime: new Date(at), data: { i } });
}
const scheduledBy = Date.now();
const until = start + spreadMs + 30_000;
while (fired.size < count && Date.now() < until) await Bun.sleep(200);

const lateness: number[] = [];
let early = 0;
for (const [name, at] of due) {
  const t = fired.get(name);
  if (t === undefined) continue;
  if (t < at) early++;
  lateness.push(t - at);
}
const s = summarize(lateness);
printTable(
  `bench:reminders — ${count} jobs over ${spreadMs / 1000}s on the ${embedded ? 'embedded' : 'real Dapr 1.18.1'} scheduler (2 shared cores)`,
  [
    {
      scheduled: count,
      'scheduling took s': (scheduledBy - (start - 5_000)) / 1000,
      fired: fired.size,
      missing: count - fired.size,
      duplicates,
      early,
      'lateness p50 ms': s.p50,
      'lateness p99 ms': s.p99,
      'lateness max ms': s.max,
    },
  ],
);
await close();
process.exit(0);
