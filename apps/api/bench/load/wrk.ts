/** Runs Debian's wrk (installed on first use) with requests.lua: the load generator of bench:api. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface LoadResult {
  requests: number;
  seconds: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Makes sure `wrk` is on PATH (apt-get, as root, once). */
export async function ensureWrk() {
  if (Bun.which('wrk')) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const install = Bun.spawn([...sudo, 'apt-get', 'install', '-y', '-qq', 'wrk'], {
    stdout: 'ignore',
    stderr: 'inherit',
  });
  if ((await install.exited) !== 0 || !Bun.which('wrk')) throw new Error('wrk is needed: apt-get install -y wrk');
}

const script = join(import.meta.dir, 'requests.lua');

/** Closed loop: `connections` connections on one wrk thread for `seconds`; latencies in ms. */
export async function runWrk(opts: {
  url: string;
  path: string;
  kind: 'create' | 'search';
  token: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  if (!existsSync(script)) throw new Error(`missing ${script}`);
  const proc = Bun.spawn(
    ['wrk', '-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--timeout', '10s', '-s', script, opts.url],
    {
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, BENCH_CASE: opts.kind, BENCH_TOKEN: opts.token, BENCH_PATH: opts.path },
    },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err || out}`);
  return JSON.parse(line) as LoadResult;
}
