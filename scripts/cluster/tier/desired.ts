import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { argocdVersion, type Obtained, obtain } from '../../platform/charts/obtain.ts';
import { type HelmSource, type RenderEnv, render } from './helm.ts';
import { type Obj, parseObjects } from './objects.ts';

/**
 * What Argo CD would sync on a cluster, read the way Argo CD reads it: the root Application renders
 * gitops/apps with the cluster's values into platform Applications (sync waves) and the services
 * ApplicationSet; each Application is then a Helm chart (third-party, pinned; obtained from Go
 * modules where possible) or directories of our manifests.
 */
export interface AppPlan {
  name: string;
  cluster: string;
  wave: number;
  namespace: string;
  createNamespace: boolean;
  serverSideApply: boolean;
  /** How its objects come to be (rendered lazily: charts see the API versions live at sync time). */
  source: { helm: HelmSource; obtained?: Obtained } | { paths: string[] } | { crds: Obtained };
  /** Why part of it is not simulated (chart not obtainable); printed by the tier. */
  missing?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: Argo CD objects
type Any = any;

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** A directory source: every YAML/JSON file in it, not recursing (Argo CD's default). */
export function readDirectory(path: string): Obj[] {
  return readdirSync(join(repoRoot, path), { withFileTypes: true })
    .filter((f) => f.isFile() && /\.(ya?ml|json)$/.test(f.name))
    .map((f) => f.name)
    .sort()
    .flatMap((name) => parseObjects(read(join(path, name)), join(path, name)));
}

export const valuesPath = (file: string) => file.replace(/^\$values\//, '');

function syncOptions(app: Any): string[] {
  return app.spec.syncPolicy?.syncOptions ?? [];
}

function planFor(app: Any, cluster: string): AppPlan {
  const sources: Any[] = app.spec.sources ?? [app.spec.source];
  const options = syncOptions(app);
  const base = {
    name: app.metadata.name as string,
    cluster,
    wave: Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0),
    namespace: app.spec.destination.namespace as string,
    createNamespace: options.includes('CreateNamespace=true'),
    serverSideApply: options.includes('ServerSideApply=true'),
  };
  const chartSource = sources.find((s) => s.chart);
  if (chartSource) {
    const obtained = obtain(base.name, String(chartSource.targetRevision));
    const helm: HelmSource = {
      release: chartSource.helm?.releaseName ?? base.name,
      chart: obtained.chart ?? '',
      namespace: base.namespace,
      valueFiles: (chartSource.helm?.valueFiles ?? []).map(valuesPath),
    };
    if (obtained.chart) return { ...base, source: { helm, obtained } };
    const missing = `chart ${chartSource.chart} ${chartSource.targetRevision}: ${obtained.missing}`;
    return { ...base, source: { crds: obtained }, missing };
  }
  const ours = sources.filter((s) => s.path);
  if (ours.length === 1 && ours[0].path === 'gitops/charts/service') {
    const s = ours[0];
    return {
      ...base,
      source: {
        helm: {
          release: s.helm.releaseName,
          chart: 'gitops/charts/service',
          namespace: base.namespace,
          valueFiles: s.helm.valueFiles.map(valuesPath),
        },
      },
    };
  }
  return { ...base, source: { paths: ours.map((s) => s.path.replace('<cluster>', cluster)) } };
}

/** The Applications of an ApplicationSet's list generator (the services), as Argo CD would make them. */
function expandApplicationSet(set: Any): Any[] {
  const elements: Record<string, string>[] = set.spec.generators.flatMap((g: Any) => g.list?.elements ?? []);
  return elements.map((element) => {
    const text = JSON.stringify(set.spec.template).replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => {
      if (!(key in element))
        throw new Error(`ApplicationSet ${set.metadata.name}: no ${key} in ${JSON.stringify(element)}`);
      return element[key]!;
    });
    const template = JSON.parse(text);
    return { ...template, metadata: { ...template.metadata, annotations: set.metadata.annotations } };
  });
}

export interface Desired {
  cluster: string;
  /** Argo CD as the bootstrap installs it: CRDs, settings, the root Application, what the root renders. */
  argocd: { crds: Obtained; objects: Obj[] };
  apps: AppPlan[];
}

export async function desiredState(cluster: 'minikube' | 'oke', env: RenderEnv): Promise<Desired> {
  const root = parseObjects(read(`clusters/${cluster}/root-application.yaml`), 'root-application.yaml')[0]!;
  const rootSource = (root.spec.sources as Any[]).find((s) => s.path === 'gitops/apps');
  const rendered = await render(
    {
      release: rootSource.helm.releaseName,
      chart: 'gitops/apps',
      namespace: root.spec.destination.namespace,
      valueFiles: rootSource.helm.valueFiles.map(valuesPath),
    },
    env,
  );
  const applications = [
    ...rendered.filter((o) => o.kind === 'Application'),
    ...rendered.filter((o) => o.kind === 'ApplicationSet').flatMap(expandApplicationSet),
  ];
  const apps = applications
    .map((a) => planFor(a, cluster))
    .sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
  return {
    cluster,
    argocd: {
      crds: obtain('argocd', argocdVersion()),
      objects: [...readDirectory('gitops/argocd'), root, ...rendered],
    },
    apps,
  };
}

/** An Application's objects now (charts rendered against the cluster's current API versions). */
export async function objectsOf(plan: AppPlan, env: RenderEnv): Promise<Obj[]> {
  const src = plan.source;
  if ('helm' in src) return render(src.helm, env);
  if ('paths' in src) {
    // Argo CD renders a path holding a Chart.yaml with helm (release = the Application's name, no
    // value files: gitops/charts/dashboards), and reads any other path as a directory of manifests.
    const perPath = await Promise.all(
      src.paths.map((path) =>
        existsSync(join(repoRoot, path, 'Chart.yaml'))
          ? render({ release: plan.name, chart: path, namespace: plan.namespace, valueFiles: [] }, env)
          : readDirectory(path),
      ),
    );
    return perPath.flat();
  }
  return src.crds.crds.flatMap((file) => parseObjects(readFileSync(file, 'utf8'), file));
}
