/**
 * `bun run bench:api`: the api side by side with the stack users would pick instead and with
 * Postgres replaying the api's own statements, in one run on one Postgres. Prints numbers and
 * ratios, writes JSON (bench/results/); asserts nothing.
 *
 *   servers   tasktide (the bundle its image runs; one process, and one per core on one port with
 *             REUSE_PORT) · FastAPI + SQLModel on asyncpg under uvicorn, 1 and 2 workers (bench/peer)
 *   ceiling   pgbench replaying the api's statements, prepared and unprepared
 *   cases     create a task · search `q` + 2 filters + 2-key sort on a user with 10,000 tasks
 *   load      wrk (Debian), closed loop, 32 connections, one thread; never one of the servers
 *   rounds    interleaved: every target once per round, BENCH_ROUNDS rounds of BENCH_SECONDS each
 *   charged   CPU per request from /proc (server trees and Postgres), idle memory (RSS, PSS)
 *
 * Postgres is a throwaway cluster started here (fsync on) unless BENCH_DATABASE_URL names one.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sessionSettings } from '@tasktide/db';
import { freePort, repoRoot, runScript } from '@tasktide/local-stack';
import postgres from 'postgres';
import { type PgbenchScript, runPgbench } from './load/pgbench.ts';
import { seed } from './load/seed.ts';
import { bundleApi, type Server, startPeer, startTasktide } from './load/servers.ts';
import { createScript, searchScript } from './load/statements.ts';
import { ensureWrk, runWrk } from './load/wrk.ts';
import { cpuSeconds, loadAverage, memoryMiB } from './proc.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = 32;
const cores = cpus().length;
const only = process.env.BENCH_TARGETS?.split(',');
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0';

await ensureWrk();
const dir = mkdtempSync(join(tmpdir(), 'tasktide-bench-api-'));
const loadAtStart = loadAverage();
const pgUrl =
  process.env.BENCH_DATABASE_URL ??
  (await runScript('scripts/platform/start-postgres.sh', [join(dir, 'pg'), String(await freePort())]));
const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
const dbName = `bench_api_${Date.now()}`;
await admin.unsafe(`create database ${dbName}`);
const dbUrl = Object.assign(new URL(pgUrl), { pathname: `/${dbName}` }).toString();
const db = postgres(dbUrl, { max: 2, onnotice: () => {} });
try {
  // The cluster's postmaster: every backend (and what it reaped) is charged to Postgres.
  const [{ pid: backend }] = (await db`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
  const postmaster = Number(readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);

  console.error(`bundling the api; Postgres at ${pgUrl.replace(/\/\/[^@]*@/, '//')}`);
  const main = await bundleApi(dir);
  const logDir = join(dir, 'logs');

  // Idle memory first, before any request: the api and the peer as they sit after start.
  const idle: Record<string, { rss: number; pss: number }> = {};
  async function idleMemory(start: () => Promise<Server>, match?: (cmd: string) => boolean) {
    const server = await start();
    await Bun.sleep(15_000);
    idle[server.name] = server.pids
      .map((pid) => memoryMiB(pid, match))
      .reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss }));
    return server;
  }
  const first = await idleMemory(() =>
    startTasktide({ main, processes: 1, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir }),
  );
  const data = await seed(first.url, db);
  await first.stop();
  await (
    await idleMemory(
      () => startPeer({ workers: 1, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir }),
      (cmd) => cmd.includes('uvicorn'),
    )
  ).stop();

  const searchPath = `/api/v1/tasks?q=report&status=open&priority=high,medium&sort=-priority,due_at&limit=50`;
  const searchQuery = {
    q: 'report',
    status: 'open' as const,
    priority: ['high', 'medium'],
    sort: '-priority,due_at',
    limit: '50',
  };

  interface Target {
    name: string;
    /** Processes serving (for the per-core figure). */
    processes: number;
    run(kind: Kind): Promise<Sample>;
  }
  type Kind = 'create' | 'search';
  interface Sample {
    rps: number;
    p50?: number;
    p99?: number;
    errors: number;
    appCpuMs?: number;
    pgCpuMs: number;
  }

  function httpTarget(name: string, processes: number, start: () => Promise<Server>): Target {
    return {
      name,
      processes,
      async run(kind) {
        const server = await start();
        try {
          const load = (secs: number) =>
            runWrk({
              url: server.url,
              path: kind === 'create' ? '/api/v1/tasks' : searchPath,
              kind,
              token: kind === 'create' ? data.writer.token : data.reader.token,
              connections,
              seconds: secs,
            });
          await load(3); // warm-up: JIT, pools, prepared statements
          const app0 = cpuSeconds(server.pids);
          const pg0 = cpuSeconds([postmaster]);
          const r = await load(seconds);
          const app = cpuSeconds(server.pids) - app0;
          const pg = cpuSeconds([postmaster]) - pg0;
          const ok = Math.max(1, r.requests - r.errors);
          return {
            rps: ok / r.seconds,
            p50: r.p50,
            p99: r.p99,
            errors: r.errors,
            appCpuMs: (app * 1000) / ok,
            pgCpuMs: (pg * 1000) / ok,
          };
        } finally {
          await server.stop();
        }
      },
    };
  }

  const scripts: Record<Kind, PgbenchScript> = {
    create: createScript(data.writer.userId),
    search: await searchScript(dbUrl, data.reader.userId, [data.reader.projectId], searchQuery),
  };
  function pgbenchTarget(mode: 'prepared' | 'extended'): Target {
    return {
      name: `pgbench ${mode === 'prepared' ? 'prepared' : 'unprepared'}`,
      processes: 0,
      async run(kind) {
        const pg0 = cpuSeconds([postmaster]);
        const r = await runPgbench({
          url: dbUrl,
          script: scripts[kind],
          mode,
          clients: connections,
          seconds,
          settings: sessionSettings,
        });
        const pg = cpuSeconds([postmaster]) - pg0;
        return { rps: r.tps, errors: r.failed, pgCpuMs: (pg * 1000) / Math.max(1, r.transactions) };
      },
    };
  }

  const targets: Target[] = [
    httpTarget('tasktide', 1, () =>
      startTasktide({ main, processes: 1, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir }),
    ),
    httpTarget(`tasktide ×${cores}`, cores, () =>
      startTasktide({ main, processes: cores, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir }),
    ),
    httpTarget('FastAPI 1w', 1, () => startPeer({ workers: 1, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir })),
    httpTarget('FastAPI 2w', 2, () => startPeer({ workers: 2, databaseUrl: dbUrl, jwtSecret: JWT_SECRET, logDir })),
    pgbenchTarget('prepared'),
    pgbenchTarget('extended'),
  ].filter((t) => !only || only.some((o) => t.name.startsWith(o)));

  const samples: Record<Kind, Record<string, Sample[]>> = { create: {}, search: {} };
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['create', 'search'] as const) {
      for (const target of targets) {
        console.error(`round ${round}/${rounds}: ${kind} · ${target.name} (load ${loadAverage()})`);
        const sample = await target.run(kind);
        samples[kind][target.name] = [...(samples[kind][target.name] ?? []), sample];
      }
      // Creates pile up between rounds: drop them so every round writes into and searches the same data.
      if (kind === 'create') {
        await db`delete from api.tasks where user_id = ${data.writer.userId}`;
        await db`delete from api.outbox`;
        await db`vacuum analyze api.tasks`.catch(() => {});
        await db`vacuum analyze api.outbox`.catch(() => {});
      }
    }
  }

  // ---- report ----
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const fmt = (x: number | undefined, digits = 0) =>
    x === undefined || Number.isNaN(x) ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
  const range = (xs: number[], digits = 0) =>
    xs.length > 1 ? `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}` : fmt(xs[0], digits);
  const of = (kind: Kind, name: string, key: keyof Sample) =>
    (samples[kind][name] ?? []).map((s) => s[key]).filter((v): v is number => typeof v === 'number');

  const summary: Record<string, unknown> = {};
  for (const kind of ['create', 'search'] as const) {
    const peer2 = median(of(kind, 'FastAPI 2w', 'rps'));
    const prepared = median(of(kind, 'pgbench prepared', 'rps'));
    const unprepared = median(of(kind, 'pgbench unprepared', 'rps'));
    const rows = targets.map((t) => {
      const rps = median(of(kind, t.name, 'rps'));
      return {
        target: t.name,
        'req/s (median)': fmt(rps),
        'req/s (rounds)': range(of(kind, t.name, 'rps')),
        'p50 ms': range(of(kind, t.name, 'p50'), 1),
        'p99 ms': range(of(kind, t.name, 'p99'), 1),
        'app CPU ms/req': fmt(median(of(kind, t.name, 'appCpuMs')), 2),
        'PG CPU ms/req': fmt(median(of(kind, t.name, 'pgCpuMs')), 2),
        '× FastAPI 2w': fmt(rps / peer2, 2),
        '× pgbench prep.': fmt(rps / prepared, 2),
        '× pgbench unprep.': fmt(rps / unprepared, 2),
        ...(t.processes > 1 ? { 'per process': fmt(rps / t.processes) } : {}),
        errors: of(kind, t.name, 'errors').reduce((a, b) => a + b, 0),
      };
    });
    summary[kind] = rows;
    console.log(`\n${kind === 'create' ? 'create task' : 'search q + 2 filters + 2-key sort, user with 10,000 tasks'}`);
    console.table(rows);
  }
  console.log('\nidle memory after start (MiB, 15 s without requests)');
  console.table(Object.entries(idle).map(([name, m]) => ({ server: name, RSS: fmt(m.rss, 1), PSS: fmt(m.pss, 1) })));
  const machine = `${cores} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\n${rounds} interleaved rounds × ${seconds} s, ${connections} connections, wrk -t1; ${machine}; ` +
      `load average ${loadAtStart} at start, ${loadAverage()} at end; ${new Date().toISOString()}`,
  );

  const resultsDir = join(repoRoot, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine,
        load: { start: loadAtStart, end: loadAverage() },
        settings: { seconds, rounds, connections },
        idle,
        samples,
        summary,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`JSON: ${file}`);
} finally {
  await db.end();
  await admin.unsafe(`drop database ${dbName} with (force)`);
  await admin.end();
  if (!process.env.BENCH_DATABASE_URL) await runScript('scripts/platform/stop-postgres.sh', [join(dir, 'pg')]);
}
process.exit(0);
