import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { eventually } from '@tasktide/service-kit/testing';
import type { Subprocess } from 'bun';

/** Repository root (scripts live there). */
export const repoRoot = join(import.meta.dir, '../../..');

/** A free TCP port on 127.0.0.1 (bind to port 0 and read what the kernel picked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const tied = join(repoRoot, 'scripts/platform/tied.sh');

/**
 * Spawns a long-running helper (daprd, scheduler, an app) with its output in a log file. It can
 * never outlive this process: it runs under `tied.sh <our pid>`, which ends it within a second of
 * our exit — also when we are SIGKILLed, where no exit hook runs — and in a process group of its
 * own (setsid), so stopping it signals the helper and anything it started.
 */
export function spawnLogged(
  cmd: string[],
  opts: { log: string; env?: Record<string, string | undefined>; cwd?: string },
): Subprocess {
  mkdirSync(dirname(opts.log), { recursive: true });
  const fd = openSync(opts.log, 'a');
  return Bun.spawn(['setsid', 'bash', tied, String(process.pid), ...cmd], {
    stdout: fd,
    stderr: fd,
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
  });
}

/** Signals a helper and everything in its process group (see spawnLogged), without waiting. */
export function killGroup(child: Subprocess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Stops a helper's whole process group (see spawnLogged); SIGKILL after `timeoutMs`. */
export async function stopProcess(child: Subprocess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
  if (child.exitCode !== null || child.signalCode) return;
  killGroup(child, signal);
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

/** The test kit's poller (`eventually`) with the patience of process start-up: 60 s, every 200 ms. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  return eventually(what, check, timeoutMs, everyMs);
}

/** Runs a script of the repo and returns its trimmed stdout (throws with stderr on failure). */
export async function runScript(
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const proc = Bun.spawn(['bash', join(repoRoot, script), ...args], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...env },
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${script} failed (${code}): ${err.slice(-2000)}`);
  return out.trim().split('\n').at(-1) ?? '';
}
