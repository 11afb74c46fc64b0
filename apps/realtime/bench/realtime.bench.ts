/**
 * `bun run bench:realtime`: update→socket latency with 500 connected sockets.
 *
 * The embedded system (`bun dev`'s composition: api, outbox relay, in-process bus, realtime) listens
 * on 127.0.0.1; this process opens the sockets (BENCH_USERS users, BENCH_SOCKETS in total), then
 * changes one task per update through the api at BENCH_RATE updates/s, round-robin over the users.
 * Latency runs from the moment the PATCH is sent to the moment each of the owner's sockets has the
 * task.updated event, so every update is counted once per socket. PostgreSQL when DATABASE_URL is
 * set, else PGlite. Prints numbers, asserts nothing, stops by itself (hard limit BENCH_LIMIT_S).
 *
 *   BENCH_SOCKETS=500 BENCH_USERS=50 BENCH_UPDATES=300 BENCH_RATE=10 bun run bench:realtime
 */
import { apiClient } from '@tasktide/api/testing';
import { createTestDb } from '@tasktide/db/testing';
import { createSystem } from '../../dev/src/system.ts';
import { connectRealtime, type RealtimeClient, stopListening } from '../src/testing.ts';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const SOCKETS = int('BENCH_SOCKETS', 500);
const USERS = int('BENCH_USERS', 50);
const UPDATES = int('BENCH_UPDATES', 300);
const RATE = int('BENCH_RATE', 10);
const LIMIT_S = int('BENCH_LIMIT_S', 300);

const deadline = setTimeout(() => {
  console.error(`bench:realtime: gave up after ${LIMIT_S} s`);
  process.exit(1);
}, LIMIT_S * 1000);

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN) : NaN;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const phase = (what: string) => console.log(`· ${what}`);

const kind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const db = await createTestDb(kind);
const system = await createSystem({
  db,
  env: {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    // Every bench user signs up from 127.0.0.1: above the per-address limit a production api keeps.
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: String(USERS),
  },
});
const server = system.app.listen({ port: 0, hostname: '127.0.0.1' });
system.start();
const api = apiClient((r) => system.app.handle(r));
const wsUrl = `ws://127.0.0.1:${server.server?.port}/ws`;

phase(`${USERS} users, one task each (${kind})`);
const users: { token: string; taskId: string }[] = [];
// One at a time: concurrent sign-ups from one address contend on its rate-limit counter, and the
// api refuses such a flood by design.
for (let i = 0; i < USERS; i++) {
  const { token } = await api.signUp();
  const { body } = await api.call('POST', '/api/v1/tasks', { token, body: { title: 'bench task' } });
  users.push({ token, taskId: body.id as string });
}

// Sent time per update index; arrival times are matched through the title the update sets.
const sentAt = new Map<number, number>();
const latencies: number[] = [];
let delivered = 0;
let stray = 0;
const onMessage = ({ at, data }: { at: number; data: Record<string, unknown> }) => {
  const title = (data.payload as { changes?: { title?: unknown } } | undefined)?.changes?.title;
  if (data.event_type !== 'task.updated' || typeof title !== 'string' || !title.startsWith('bench ')) return;
  const started = sentAt.get(Number(title.slice(6)));
  if (started === undefined) return void stray++;
  delivered++;
  latencies.push(at - started);
};

phase(`${SOCKETS} sockets`);
const sockets: RealtimeClient[] = [];
for (let i = 0; i < SOCKETS; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, SOCKETS - i) }, (_, j) =>
      connectRealtime(`${wsUrl}?access_token=${users[(i + j) % USERS]!.token}`, { onMessage }),
    ),
  );
  sockets.push(...batch);
}
const perUser = Array.from({ length: USERS }, (_, u) => Math.floor(SOCKETS / USERS) + (u < SOCKETS % USERS ? 1 : 0));
const expected = Array.from({ length: UPDATES }, (_, i) => perUser[i % USERS] ?? 0).reduce((a, b) => a + b, 0);

phase(`warm-up`);
await Promise.all(
  users
    .slice(0, 10)
    .map((u) => api.call('PATCH', `/api/v1/tasks/${u.taskId}`, { token: u.token, body: { priority: 'low' } })),
);
await Bun.sleep(2_000);

phase(`${UPDATES} updates at ${RATE}/s`);
const startedAt = performance.now();
const inFlight: Promise<unknown>[] = [];
for (let i = 0; i < UPDATES; i++) {
  const due = startedAt + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await Bun.sleep(wait);
  const user = users[i % USERS]!;
  sentAt.set(i, performance.now());
  inFlight.push(
    api.call('PATCH', `/api/v1/tasks/${user.taskId}`, { token: user.token, body: { title: `bench ${i}` } }),
  );
}
const statuses = (await Promise.all(inFlight)) as { status: number }[];
const failedUpdates = statuses.filter((s) => s.status !== 200).length;
const sendSeconds = (performance.now() - startedAt) / 1000;
const drainUntil = performance.now() + 30_000;
while (delivered < expected && performance.now() < drainUntil) await Bun.sleep(100);

const sorted = latencies.sort((a, b) => a - b);
console.log(`
bench:realtime — embedded system on ${kind}, client and server in one process on 127.0.0.1
  sockets          ${sockets.length} (${USERS} users, ${perUser[0]} per user)
  updates          ${UPDATES} sent in ${sendSeconds.toFixed(1)} s (target ${RATE}/s), ${failedUpdates} failed
  delivered        ${delivered} of ${expected} socket messages${stray ? ` (+${stray} unmatched)` : ''}
  update→socket    p50 ${ms(percentile(sorted, 50))} · p95 ${ms(percentile(sorted, 95))} · p99 ${ms(percentile(sorted, 99))} · max ${ms(sorted.at(-1) ?? NaN)}
  target           p99 ≤ 200 ms: ${percentile(sorted, 99) <= 200 ? 'met' : 'missed'}`);

for (const s of sockets) s.close();
await Promise.all(sockets.map((s) => Promise.race([s.closed, Bun.sleep(2_000)])));
await stopListening(server.server);
await system.stop();
await db.close();
clearTimeout(deadline);
process.exit(0);
