import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { parse, stringify } from 'yaml';
import { describeObtained, type Obtained, obtain } from '../../platform/charts/obtain.ts';
import { kubeBinaries } from '../binaries.ts';
import type { AppPlan } from '../tier/desired.ts';
import { standIns } from '../tier/standins.ts';

/**
 * The Helm chart repository Argo CD's repo server pulls the pinned third-party charts from in the
 * tier: index.yaml + one .tgz per chart (`helm package`, `helm repo index`), served on 127.0.0.1 from
 * inside the test process. What goes in, per pinned component (gitops/apps/values.yaml):
 *   - the real chart where the cluster tier obtained it from a Go module (rendered by Argo CD with
 *     our values, hooks and all);
 *   - a stand-in chart of the same name and version holding only the CRDs (and, for
 *     kube-prometheus-stack, node-exporter's pod shape) where only those could be obtained — what the
 *     cluster tier applies for them too, so later waves find their CRDs;
 *   - nothing where nothing could be obtained: those Applications are excluded from the root's
 *     render (`components.<name>.enabled: false`, a test-only value) and named in every run.
 */
export interface ChartRepo {
  url: string;
  /** Components served with their real chart / as a CRD stand-in, and those excluded (with why). */
  real: string[];
  standIn: string[];
  excluded: { component: string; why: string }[];
  /** One line per component, as obtain.ts prints them. */
  report: string[];
  stop(): void;
}

interface Component {
  chart?: { repoURL: string; name: string; version: string };
  namespace: string;
  enabled?: boolean;
}

export function platformComponents(): Record<string, Component> {
  const values = parse(readFileSync(join(repoRoot, 'gitops/apps/values.yaml'), 'utf8'));
  return values.components as Record<string, Component>;
}

async function helm(args: string[], cwd: string) {
  const bins = await kubeBinaries();
  const proc = Bun.spawn([join(bins.kubectl, 'helm'), ...args], { cwd, stdout: 'pipe', stderr: 'pipe' });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`helm ${args.join(' ')}: ${err.trim()}`);
}

/** A chart with only the CRDs (crds/, applied by Argo CD as Helm's --include-crds renders them). */
function standInChart(dir: string, name: string, version: string, got: Obtained, cluster: string, namespace: string) {
  mkdirSync(join(dir, 'crds'), { recursive: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'Chart.yaml'),
    stringify({
      apiVersion: 'v2',
      name,
      version,
      description: `tasktide cluster-tier stand-in for ${name} ${version}: its CRDs only (${got.missing})`,
    }),
  );
  for (const file of got.crds) cpSync(file, join(dir, 'crds', file.split('/').at(-1)!));
  const plan = { name: got.component, cluster, namespace, source: { crds: got } } as unknown as AppPlan;
  const extra = standIns(plan);
  if (extra.length) {
    writeFileSync(join(dir, 'templates', 'stand-ins.yaml'), extra.map((o) => JSON.stringify(o)).join('\n---\n'));
  }
}

export async function startChartRepo(dir: string, cluster: string): Promise<ChartRepo> {
  const out = join(dir, 'charts');
  const build = join(dir, 'chart-build');
  mkdirSync(out, { recursive: true });
  const repo: Omit<ChartRepo, 'url' | 'stop'> = { real: [], standIn: [], excluded: [], report: [] };
  for (const [component, c] of Object.entries(platformComponents())) {
    if (!c.chart || c.enabled === false) continue;
    const version = String(c.chart.version);
    const got = obtain(component, version);
    repo.report.push(describeObtained(got));
    if (got.chart) {
      await helm(['package', got.chart, '--destination', out], repoRoot);
      repo.real.push(component);
    } else if (got.crds.length) {
      standInChart(join(build, component), c.chart.name, version, got, cluster, c.namespace);
      await helm(['package', join(build, component), '--destination', out], repoRoot);
      repo.standIn.push(component);
    } else {
      repo.excluded.push({ component, why: got.missing ?? 'not obtainable' });
    }
  }
  // Relative URLs in the index: Helm resolves them against the repository URL.
  await helm(['repo', 'index', out], repoRoot);
  const files = new Set(readdirSync(out));
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const name = new URL(req.url).pathname.replace(/^\/+/, '');
      if (!files.has(name)) return new Response('not found', { status: 404 });
      return new Response(Bun.file(join(out, name)));
    },
  });
  return { ...repo, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
