import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { kubeBinaries } from '../binaries.ts';
import { type Obj, parseObjects } from './objects.ts';

/** One `helm template` as Argo CD's repo server runs it for an Application with a Helm source. */
export interface HelmSource {
  release: string;
  chart: string;
  namespace: string;
  /** Paths relative to the repository root, in order (later wins). */
  valueFiles: string[];
  /** Extra values on top (fixtures), written to a temp file outside the repo. */
  extraValues?: Record<string, unknown>;
}

export interface RenderEnv {
  kubeVersion: string;
  /** The cluster's API versions (group/version and group/version/Kind), as Argo CD passes them. */
  apiVersions: string[];
}

export async function helmTemplate(src: HelmSource, env: RenderEnv): Promise<string> {
  const bins = await kubeBinaries(); // install-helm.sh ships helm next to kubectl
  const tmp = mkdtempSync(join(tmpdir(), 'tasktide-helm-'));
  try {
    const files = [...src.valueFiles];
    if (src.extraValues) {
      const extra = join(tmp, 'extra.json');
      writeFileSync(extra, JSON.stringify(src.extraValues));
      files.push(extra);
    }
    const args = [
      'template',
      src.release,
      src.chart,
      '--namespace',
      src.namespace,
      '--include-crds',
      '--kube-version',
      env.kubeVersion,
      ...env.apiVersions.flatMap((v) => ['--api-versions', v]),
      ...files.flatMap((f) => ['-f', f]),
    ];
    const proc = Bun.spawn([join(bins.kubectl, 'helm'), ...args], { cwd: repoRoot, stdout: 'pipe', stderr: 'pipe' });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`helm template ${src.release} (${src.chart}) failed: ${stderr.trim()}`);
    return stdout;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function render(src: HelmSource, env: RenderEnv): Promise<Obj[]> {
  return parseObjects(await helmTemplate(src, env), `helm template ${src.release}`);
}
