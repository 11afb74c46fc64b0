import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { parse, stringify } from 'yaml';
import type { ControlPlane } from '../control-plane.ts';
import type { ChartRepo } from './chart-repo.ts';
import type { GitRemote } from './git-remote.ts';

/**
 * The bootstrap exactly as the cluster READMEs tell an operator, run from an operator's checkout of
 * the tier's git remote, with `kubectl` and `minikube` shims (shims/) that point at the tier's
 * control plane and answer the one download (Argo CD's install.yaml) locally:
 *   minikube: clusters/minikube/bootstrap.sh, unchanged (TASKTIDE_SKIP_IMAGE_CHECK=1, its documented
 *             switch: GHCR is out of reach);
 *   oke:      the shell block of step 5 in clusters/oke/README.md, line by line; its watch line
 *             (`get applications -w`) is replaced by the tier's waits on Application status.
 * The one test-only change: root-application.yaml in that checkout (never in git) names the tier's
 * remote and chart repository, and excludes the components no chart could be obtained for.
 */
export interface BootstrapEnv {
  cp: ControlPlane;
  kubectlBin: string;
  argocdVersion: string;
  installYaml: string;
}

/** The root Application with the test-only rewrites (see above); everything else as committed. */
export function rewriteRoot(text: string, remote: GitRemote, charts: ChartRepo): string {
  const root = parse(text);
  const components: Record<string, unknown> = {};
  for (const c of [...charts.real, ...charts.standIn]) components[c] = { chart: { repoURL: charts.url } };
  for (const { component } of charts.excluded) components[component] = { enabled: false };
  for (const source of root.spec.sources) {
    source.repoURL = remote.url;
    if (source.path === 'gitops/apps') source.helm.valuesObject = { repoURL: remote.url, components };
  }
  return `# REWRITTEN BY THE CLUSTER TIER for this run only (repoURLs, excluded components)\n${stringify(root)}`;
}

/** The shell lines of the README step whose heading starts with `step` (its first ```sh block). */
export function readmeBlock(readme: string, step: string): string[] {
  const text = readFileSync(join(repoRoot, readme), 'utf8');
  const at = text.indexOf(step);
  if (at < 0) throw new Error(`${readme}: no step "${step}"`);
  const block = text.slice(at).match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error(`${readme}: step "${step}" has no sh block`);
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

async function run(cmd: string[], cwd: string, env: Record<string, string>, what: string) {
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${what} failed (${code}):\n${out.slice(-3000)}\n${err.slice(-3000)}`);
  return `${out}${err}`;
}

export async function bootstrap(
  cluster: 'minikube' | 'oke',
  checkout: string,
  remote: GitRemote,
  charts: ChartRepo,
  env: BootstrapEnv,
): Promise<{ ran: string[]; output: string }> {
  const rootFile = join(checkout, 'clusters', cluster, 'root-application.yaml');
  writeFileSync(rootFile, rewriteRoot(readFileSync(rootFile, 'utf8'), remote, charts));
  const shimEnv = {
    PATH: `${join(import.meta.dir, 'shims')}:${process.env.PATH}`,
    TIER_KUBECTL: join(env.kubectlBin, 'kubectl'),
    TIER_KUBECONFIG: env.cp.kubeconfig,
    TIER_ARGOCD_VERSION: env.argocdVersion,
    TIER_ARGOCD_INSTALL_YAML: env.installYaml,
    TASKTIDE_SKIP_IMAGE_CHECK: '1',
  };
  if (cluster === 'minikube') {
    const output = await run(['bash', 'clusters/minikube/bootstrap.sh'], checkout, shimEnv, 'bootstrap.sh');
    return { ran: ['clusters/minikube/bootstrap.sh'], output };
  }
  const lines = readmeBlock('clusters/oke/README.md', '5. **Install Argo CD and hand over**');
  const ran = lines.filter((l) => !/ -w\b/.test(l));
  let output = '';
  for (const line of ran) {
    output += await run(['bash', '-euo', 'pipefail', '-c', line], checkout, shimEnv, `README step 5: ${line}`);
  }
  return { ran, output };
}
