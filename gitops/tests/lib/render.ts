import { helm, lintStrict, type RunResult, template } from './helm.ts';
import { type Located, parseDocuments } from './manifests.ts';

export const clusters = ['minikube', 'oke'] as const;
export const services = ['api', 'recurrence', 'notifier', 'audit', 'realtime'] as const;
export type Cluster = (typeof clusters)[number];
export type Service = (typeof services)[number];

export const serviceChart = 'gitops/charts/service';
export const appsChart = 'gitops/apps';
/** Grafana dashboards: JSON files in its dashboards/, rendered into ConfigMaps (no values). */
export const dashboardsChart = 'gitops/charts/dashboards';
export const serviceValueFiles = (service: string, cluster: string) => [
  `gitops/services/${service}/values.yaml`,
  `clusters/${cluster}/values/${service}.yaml`,
];
export const appsValueFiles = (cluster: string) => [`clusters/${cluster}/values/platform.yaml`];

export type Rendered = { cluster: Cluster; service?: Service; lint: RunResult; objects: Located[] };

async function renderOne(
  chart: string,
  release: string,
  namespace: string,
  valueFiles: string[],
  label: string,
): Promise<Pick<Rendered, 'lint' | 'objects'>> {
  const [lint, out] = await Promise.all([
    lintStrict(chart, valueFiles),
    template(release, chart, namespace, valueFiles),
  ]);
  if (!out.ok) throw new Error(`helm template ${label} failed: ${out.stderr}`);
  return { lint, objects: parseDocuments(out.stdout, `helm template ${label}`) };
}

let cache: Promise<Rendered[]> | undefined;
let appsCache: Promise<Rendered[]> | undefined;
let dashboardsCache: Promise<Pick<Rendered, 'lint' | 'objects'>> | undefined;

/** Every service × cluster, linted and rendered once per test run (shared by all test files). */
export function renderServices(): Promise<Rendered[]> {
  cache ??= Promise.all(
    clusters.flatMap((cluster) =>
      services.map(async (service) => ({
        cluster,
        service,
        ...(await renderOne(
          serviceChart,
          service,
          'todo-app',
          serviceValueFiles(service, cluster),
          `${service}@${cluster}`,
        )),
      })),
    ),
  );
  return cache;
}

/** The app-of-apps chart per cluster: the platform Applications, AppProjects and ApplicationSet. */
export function renderApps(): Promise<Rendered[]> {
  appsCache ??= Promise.all(
    clusters.map(async (cluster) => ({
      cluster,
      ...(await renderOne(appsChart, 'tasktide-root', 'argocd', appsValueFiles(cluster), `apps@${cluster}`)),
    })),
  );
  return appsCache;
}

/**
 * The dashboards chart as Argo CD's monitoring-config Application renders it (release = Application
 * name, no value files; the same objects on every cluster).
 */
export function renderDashboards(): Promise<Pick<Rendered, 'lint' | 'objects'>> {
  dashboardsCache ??= renderOne(dashboardsChart, 'monitoring-config', 'monitoring', [], 'dashboards');
  return dashboardsCache;
}

export { helm };
