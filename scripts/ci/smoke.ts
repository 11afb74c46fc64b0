/**
 * Starting a built service and proving it is alive: a free port, a minimal environment, /healthz
 * polled until 200, idle RSS read from /proc, a SIGTERM to end it. Used by the service smoke test.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmokeOptions {
  /** Directory holding the build (the image's /app); the process runs there. */
  cwd: string;
  /** File to run with bun, relative to cwd. */
  entry?: string;
  /** Added to the minimal environment (PATH, HOME, TMPDIR, PORT) — nothing else is inherited. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Idle time after the first 200 before RSS is read. */
  settleMs?: number;
}

export interface SmokeResult {
  readyMs: number;
  rssMiB: string;
  /** Exit code after SIGTERM, or a note when it had to be killed. */
  exit: number | string;
}

/** Starts `bun <entry>`, waits for /healthz 200, measures, stops it; throws with its output if it never gets healthy. */
export async function smokeStart({
  cwd,
  entry = 'main.js',
  env = {},
  timeoutMs = 90_000,
  settleMs = 2_000,
}: SmokeOptions): Promise<SmokeResult> {
  const port = freePort();
  const home = join(cwd, '..', 'home');
  mkdirSync(home, { recursive: true });
  // Built from scratch, not inherited: the caller's DATABASE_URL must not leak into a PGlite run.
  const child = Bun.spawn([process.execPath, entry], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: tmpdir(), PORT: String(port), ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const output = collect(child.stdout, child.stderr);
  const started = performance.now();
  try {
    const ready = await waitForHealthz(`http://127.0.0.1:${port}/healthz`, child, timeoutMs);
    if (!ready) {
      await Bun.sleep(100); // let the last lines of a crash arrive
      const why =
        child.exitCode === null ? `no 200 from /healthz within ${timeoutMs} ms` : `exited with ${child.exitCode}`;
      throw new Error(`${entry} in ${cwd} did not become healthy (${why}). Its last output:\n${output()}`);
    }
    const readyMs = Math.round(performance.now() - started);
    await Bun.sleep(settleMs);
    const rssMiB = residentMiB(child.pid);
    child.kill('SIGTERM');
    const exit = await Promise.race([child.exited, Bun.sleep(10_000).then(() => 'still running 10 s after SIGTERM')]);
    return { readyMs, rssMiB, exit };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function waitForHealthz(url: string, child: Bun.Subprocess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const status = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return true;
    await Bun.sleep(200);
  }
  return false;
}

/** VmRSS of a process from /proc, in MiB (Linux); "n/a" elsewhere. */
export function residentMiB(pid: number): string {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? (Number(kib) / 1024).toFixed(1) : 'n/a';
  } catch {
    return 'n/a';
  }
}

function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

/** Reads the streams in the background; returns a function giving the last lines printed so far. */
function collect(...streams: ReadableStream<Uint8Array>[]): () => string {
  const chunks: string[] = [];
  for (const stream of streams) {
    void (async () => {
      const decoder = new TextDecoder();
      const reader = stream.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        chunks.push(decoder.decode(read.value, { stream: true }));
      }
    })();
  }
  return () => chunks.join('').split('\n').slice(-40).join('\n');
}

/** Creates a throwaway database beside the one in `url`, runs `fn` with its URL, drops it. */
export async function withScratchDatabase(url: string, label: string, fn: (url: string) => Promise<void>) {
  const name = `tasktide_smoke_${label.replace(/\W/g, '_')}_${process.pid}`;
  const admin = new Bun.SQL(url);
  try {
    await admin.unsafe(`drop database if exists "${name}"`);
    await admin.unsafe(`create database "${name}"`);
    const scratch = new URL(url);
    scratch.pathname = `/${name}`;
    await fn(scratch.toString());
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
    await admin.close();
  }
}
