import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './deps.ts';

let helmDir: string | undefined;

/** The directory holding helm and kubectl, installed into the cache on first use. */
export function toolsDir(): string {
  if (helmDir) return helmDir;
  const script = join(repoRoot, 'scripts/platform/install-helm.sh');
  const res = spawnSync('bash', [script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`install-helm.sh failed: ${res.stderr}`);
  helmDir = res.stdout.trim().split('\n').at(-1)!;
  return helmDir;
}

export type RunResult = { ok: boolean; stdout: string; stderr: string };

export async function helm(args: string[]): Promise<RunResult> {
  const proc = Bun.spawn([join(toolsDir(), 'helm'), ...args], { cwd: repoRoot, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { ok: code === 0, stdout, stderr };
}

const valueArgs = (valueFiles: string[]) => valueFiles.flatMap((f) => ['-f', f]);

export function lintStrict(chart: string, valueFiles: string[]): Promise<RunResult> {
  return helm(['lint', '--strict', chart, ...valueArgs(valueFiles)]);
}

export function template(release: string, chart: string, namespace: string, valueFiles: string[]) {
  return helm(['template', release, chart, '--namespace', namespace, ...valueArgs(valueFiles)]);
}
