/**
 * The servers bench:api compares: the api as its image runs it (the bundle, one or more processes
 * on one port), and the FastAPI + SQLModel peer under uvicorn (bench/peer, installed from PyPI into
 * a venv cached under ~/.cache/tasktide). Every process is spawned with spawnLogged and stopped
 * with stopProcess, so none outlives the benchmark.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, spawnLogged, stopProcess, waitFor } from '@tasktide/local-stack';
import type { Subprocess } from 'bun';
import { buildService } from '../../../../scripts/ci/build-service.ts';

export interface Server {
  name: string;
  url: string;
  /** Roots of the process trees to charge CPU and memory to. */
  pids: number[];
  stop(): Promise<void>;
}

async function ready(url: string, path: string) {
  await waitFor(`${url}${path}`, async () => (await fetch(`${url}${path}`)).ok, 60_000, 100);
}

/** The pid of the real server under `setsid bash tied.sh … cmd` (tied.sh's child, not its `sleep`). */
async function serverPid(child: Subprocess): Promise<number> {
  return waitFor('server process', async () => {
    const out = await new Response(Bun.spawn(['pgrep', '-P', String(child.pid)]).stdout).text();
    const pids = out.trim().split('\n').map(Number).filter(Boolean);
    return pids.find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sleep');
  });
}

/** Bundles the api as its image ships it (scripts/ci/build-service.ts); returns main.js. */
export async function bundleApi(dir: string): Promise<string> {
  const out = join(dir, 'api-bundle');
  await buildService({ app: 'api', outDir: out });
  return join(out, 'main.js');
}

/**
 * BENCH_CPU_PROF=<dir>: every api process writes a V8 CPU profile there when it stops.
 * BENCH_BUN_FLAGS="--smol …": runtime flags for an A/B run against the image's plain `bun main.js`.
 */
const profileFlags = () => [
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ...(process.env.BENCH_BUN_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
];

export async function startTasktide(opts: {
  main: string;
  processes: number;
  databaseUrl: string;
  jwtSecret: string;
  logDir: string;
}): Promise<Server> {
  const port = await freePort();
  const children: Subprocess[] = [];
  for (let i = 0; i < opts.processes; i++) {
    children.push(
      spawnLogged(['bun', ...profileFlags(), opts.main], {
        log: join(opts.logDir, `api-${port}-${i}.log`),
        env: {
          PORT: String(port),
          // Production serves /metrics on a port of its own (9464 by default): one per process here.
          METRICS_PORT: String(await freePort()),
          REUSE_PORT: opts.processes > 1 ? 'true' : 'false',
          DATABASE_URL: opts.databaseUrl,
          JWT_SECRET: opts.jwtSecret,
          APP_API_TOKEN: 'bench-app-api-token',
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          TASKTIDE_DATA_DIR: join(opts.logDir, 'data'),
          POD_NAME: `bench-${port}-${i}`,
        },
      }),
    );
    // One at a time: each runs the (idempotent) migrations at start.
    await ready(`http://127.0.0.1:${port}`, '/readyz');
  }
  return {
    name: opts.processes === 1 ? 'tasktide' : `tasktide ×${opts.processes}`,
    url: `http://127.0.0.1:${port}`,
    pids: await Promise.all(children.map(serverPid)),
    // A short grace: the drain itself is not what is measured here.
    stop: async () => {
      await Promise.all(children.map((c) => stopProcess(c, 'SIGTERM', 3_000)));
    },
  };
}

/** The peer's venv, keyed by its requirements, created on first use. */
async function peerPython(): Promise<string> {
  const peerDir = join(repoRoot, 'bench/peer');
  const requirements = readFileSync(join(peerDir, 'requirements.txt'), 'utf8');
  const hash = new Bun.CryptoHasher('sha256').update(requirements).digest('hex').slice(0, 12);
  const cache = process.env.TASKTIDE_CACHE ?? join(homedir(), '.cache/tasktide');
  const venv = join(cache, `bench-peer-${hash}`);
  const python = join(venv, 'bin/python');
  if (existsSync(join(venv, '.installed'))) return python;
  mkdirSync(cache, { recursive: true });
  const run = async (cmd: string[]) => {
    const proc = Bun.spawn(cmd, { stdout: 'ignore', stderr: 'inherit' });
    if ((await proc.exited) !== 0) throw new Error(`${cmd.join(' ')} failed`);
  };
  console.error(`installing the FastAPI peer into ${venv} (PyPI)`);
  await run([Bun.which('python3') ?? 'python3', '-m', 'venv', '--clear', venv]);
  await run([python, '-m', 'pip', 'install', '-q', '-r', join(peerDir, 'requirements.txt')]);
  await Bun.write(join(venv, '.installed'), requirements);
  return python;
}

export async function startPeer(opts: {
  workers: number;
  databaseUrl: string;
  jwtSecret: string;
  logDir: string;
}): Promise<Server> {
  const python = await peerPython();
  const port = await freePort();
  const child = spawnLogged(
    [
      python,
      '-m',
      'uvicorn',
      'app:app',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      String(opts.workers),
      '--log-level',
      'warning',
      '--no-access-log',
    ],
    {
      log: join(opts.logDir, `peer-${port}.log`),
      cwd: join(repoRoot, 'bench/peer'),
      env: { DATABASE_URL: opts.databaseUrl, JWT_SECRET: opts.jwtSecret },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await ready(url, '/readyz');
  return {
    name: `FastAPI ${opts.workers}w`,
    url,
    pids: [await serverPid(child)],
    stop: () => stopProcess(child),
  };
}
