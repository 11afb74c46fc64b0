/**
 * `bun run bench:api`: the api as its own process on a real PostgreSQL (started here on 127.0.0.1),
 * driven over HTTP from this process. Prints numbers; asserts nothing.
 *   1. create-task throughput (closed loop) with p50/p99
 *   2. create-task latency at a fixed 1,000 req/s (open loop)
 *   3. search: q + 2 filters + multi-key sort on a user holding 10,000 tasks
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closedLoop,
  freePort,
  openLoop,
  printTable,
  runScript,
  spawnLogged,
  summarize,
  waitFor,
} from '@tasktide/local-stack';
import postgres from 'postgres';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'tasktide-bench-api-'));
const pgUrl =
  process.env.DATABASE_URL ??
  (await runScript('scripts/platform/start-postgres.sh', [join(dir, 'pg'), String(await freePort())]));
const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
const dbName = `bench_${Date.now()}`;
await admin.unsafe(`create database ${dbName}`);
const dbUrl = Object.assign(new URL(pgUrl), { pathname: `/${dbName}` }).toString();
const port = await freePort();
const server = spawnLogged(['bun', join(import.meta.dir, '../src/main.ts')], {
  log: join(dir, 'api.log'),
  env: {
    PORT: String(port),
    DATABASE_URL: dbUrl,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  },
});
const base = `http://127.0.0.1:${port}`;
await waitFor('api ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);

const json = (body: unknown, token?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
async function signUp(tag: string) {
  const email = `${tag}-${crypto.randomUUID().slice(0, 8)}@bench.local`;
  await fetch(
    `${base}/api/v1/auth/register`,
    json({ email, password: 'bench password 123', display_name: tag, timezone: 'Europe/Berlin' }),
  );
  const res = await (await fetch(`${base}/api/v1/auth/login`, json({ email, password: 'bench password 123' }))).json();
  return { token: res.access_token as string, userId: res.user.id as string };
}
const writer = await signUp('writer');
let n = 0;
const createTask = async () => {
  const res = await fetch(
    `${base}/api/v1/tasks`,
    json(
      {
        title: `task ${n++} quarterly report`,
        priority: 'medium',
        tags: ['work'],
        due_at: '2030-01-01T09:00:00+01:00',
        reminders: [60],
      },
      writer.token,
    ),
  );
  if (res.status !== 201) throw new Error(String(res.status));
  await res.arrayBuffer();
};

for (let i = 0; i < 200; i++) await createTask(); // warm-up
const closed = await closedLoop(createTask, { concurrency: 32, durationMs: seconds * 1000 });
const c = summarize(closed.latencies);
const open = await openLoop(createTask, { ratePerSecond: 1000, durationMs: seconds * 1000 });
const o = summarize(open.latencies);

// 10,000 tasks for one reader, inserted in bulk (the write path was measured above).
const reader = await signUp('reader');
const db = postgres(dbUrl, { max: 4, onnotice: () => {} });
const words = ['invoice', 'report', 'groceries', 'dentist', 'deploy', 'review', 'taxes', 'garden'];
const prios = ['none', 'low', 'medium', 'high'];
for (let batch = 0; batch < 10; batch++) {
  const rows = Array.from({ length: 1000 }, (_, j) => {
    const i = batch * 1000 + j;
    return {
      id: Bun.randomUUIDv7(),
      user_id: reader.userId,
      title: `${words[i % 8]} ${words[(i * 7) % 8]} #${i}`,
      description: i % 3 ? `notes about ${words[(i * 3) % 8]}` : '',
      priority: prios[i % 4],
      tags: [words[i % 5] as string, i % 2 ? 'work' : 'home'],
      due_at: i % 5 ? new Date(Date.UTC(2030, 0, 1) + (i % 365) * 86_400_000) : null,
      status: i % 4 === 0 ? 'completed' : 'open',
      timezone: 'Europe/Berlin',
    };
  });
  await db`insert into api.tasks ${db(rows, 'id', 'user_id', 'title', 'description', 'priority', 'tags', 'due_at', 'status', 'timezone')}`;
}
await db`analyze api.tasks`;
const query = `${base}/api/v1/tasks?q=report&status=open&priority=high,medium&sort=-priority,due_at&limit=50`;
const search = async () => {
  const res = await fetch(query, { headers: { authorization: `Bearer ${reader.token}` } });
  if (!res.ok) throw new Error(String(res.status));
  await res.arrayBuffer();
};
for (let i = 0; i < 50; i++) await search();
const searches = await closedLoop(search, { concurrency: 4, durationMs: Math.min(seconds, 10) * 1000 });
const s = summarize(searches.latencies);

printTable(
  `bench:api — api process on PostgreSQL 15, ${seconds}s per phase, load from one bun client on 127.0.0.1 (2 shared cores)`,
  [
    {
      phase: 'create (closed loop, 32 conns)',
      'req/s': closed.latencies.length / closed.seconds,
      'p50 ms': c.p50,
      'p99 ms': c.p99,
      errors: closed.errors,
    },
    {
      phase: 'create at 1,000 req/s (open loop)',
      'req/s': open.achievedRate,
      'p50 ms': o.p50,
      'p99 ms': o.p99,
      errors: open.errors,
    },
    {
      phase: 'search q+2 filters+sort, 10k tasks (4 conns)',
      'req/s': searches.latencies.length / searches.seconds,
      'p50 ms': s.p50,
      'p95 ms': s.p95,
      'p99 ms': s.p99,
      errors: searches.errors,
    },
  ],
);

server.kill('SIGTERM');
await server.exited;
await db.end();
await admin.unsafe(`drop database ${dbName} with (force)`);
await admin.end();
if (!process.env.DATABASE_URL) await runScript('scripts/platform/stop-postgres.sh', [join(dir, 'pg')]);
process.exit(0);
