/**
 * Grafana dashboards are JSON files in gitops/platform/monitoring/dashboards/ (edit them, or export
 * from Grafana into them); Grafana's sidecar loads ConfigMaps labelled `grafana_dashboard: "1"`. This
 * renders one ConfigMap per JSON file next to the other monitoring manifests, where Argo CD applies
 * them (it does not recurse into dashboards/). `bun scripts/gitops/dashboard-configmaps.ts` writes
 * them; gitops/tests/dashboards.test.ts fails when a committed ConfigMap differs from its JSON.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';

export const monitoringDir = join(import.meta.dir, '../../gitops/platform/monitoring');
export const dashboardsDir = join(monitoringDir, 'dashboards');

export const configMapFile = (name: string) => `grafana-dashboard-${name}-configmap.yaml`;

/** The ConfigMap text for one dashboard JSON file (deterministic: the drift test compares bytes). */
export function renderDashboardConfigMap(name: string, json: string): string {
  const dashboard = JSON.parse(json) as { title?: string };
  const doc = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `grafana-dashboard-${name}`,
      namespace: 'monitoring',
      labels: { grafana_dashboard: '1', 'app.kubernetes.io/part-of': 'tasktide' },
    },
    data: { [`${name}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
  };
  return [
    `# Generated from dashboards/${name}.json by scripts/gitops/dashboard-configmaps.ts: edit the JSON, then`,
    `# re-run the script. Grafana dashboard: ${dashboard.title ?? name}`,
    '# yamllint disable rule:line-length',
    YAML.stringify(doc, { lineWidth: 0, blockQuote: 'literal' }),
  ].join('\n');
}

/** Every dashboard as [file name, ConfigMap text]. */
export function renderAll(): [string, string][] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = basename(f, '.json');
      return [configMapFile(name), renderDashboardConfigMap(name, readFileSync(join(dashboardsDir, f), 'utf8'))];
    });
}

if (import.meta.main) {
  for (const [file, text] of renderAll()) {
    writeFileSync(join(monitoringDir, file), text);
    console.log(`wrote gitops/platform/monitoring/${file}`);
  }
}
