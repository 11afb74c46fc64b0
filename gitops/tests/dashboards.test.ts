// Offline tier: Grafana dashboards. The JSON files in gitops/charts/dashboards/dashboards/ are the only
// committed copy; the chart renders one ConfigMap per file (label grafana_dashboard: "1") when Argo CD
// syncs it; every panel's PromQL must parse (promtool, on a generated rules file). Which metrics exist is
// proven against real scrapes by apps/dev/src/observability.e2e.test.ts. Broken fixtures included.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, YAML } from './lib/deps.ts';
import { template } from './lib/helm.ts';
import type { Located } from './lib/manifests.ts';
import {
  dashboardQueries,
  dashboards,
  dashboardsDir,
  metricNames,
  type Query,
  recordedNames,
  ruleQueries,
  withGrafanaVariables,
} from './lib/promql.ts';
import { runPromtool } from './lib/promtool.ts';
import { dashboardsChart, renderDashboards } from './lib/render.ts';

setDefaultTimeout(60_000);

/** promtool check rules over one recording rule per query: non-zero exit names the broken one. */
function parseAll(queries: Query[]) {
  const work = mkdtempSync(join(tmpdir(), 'tasktide-promql-'));
  const rules = queries.map((q, i) => ({ record: `tasktide_check:query_${i}`, expr: withGrafanaVariables(q.expr) }));
  writeFileSync(join(work, 'rules.yaml'), YAML.stringify({ groups: [{ name: 'dashboards', rules }] }));
  return runPromtool(['check', 'rules', 'rules.yaml'], work);
}

/** Dashboards whose rendered ConfigMap is missing or does not carry the JSON file byte for byte. */
function unshipped(maps: Located[]): string[] {
  return Object.keys(dashboards())
    .filter((file) => {
      const map = maps.find(
        ({ object }) => object.metadata.name === `grafana-dashboard-${file.replace(/\.json$/, '')}`,
      );
      const data = map?.object.data as Record<string, string> | undefined;
      return data?.[file] !== readFileSync(join(dashboardsDir, file), 'utf8');
    })
    .map((file) => `${file} is not shipped as its ConfigMap`);
}

describe('dashboards', () => {
  test('four dashboards: overview, event pipeline, reminders SLO, Dapr sidecars', () => {
    expect(Object.keys(dashboards())).toEqual([
      'tasktide-dapr.json',
      'tasktide-events.json',
      'tasktide-overview.json',
      'tasktide-reminders.json',
    ]);
  });

  test('each ConfigMap is rendered from its JSON and labelled for the Grafana sidecar', async () => {
    const { lint, objects } = await renderDashboards();
    expect({ ok: lint.ok, out: lint.ok ? '' : lint.stdout }).toEqual({ ok: true, out: '' });
    expect(unshipped(objects)).toEqual([]);
    const maps = objects.filter(({ object }) => object.metadata.name?.toString().startsWith('grafana-dashboard-'));
    expect(maps).toHaveLength(4);
    for (const { object } of maps) {
      expect(object.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(object.metadata.namespace).toBe('monitoring');
    }
  });

  test('unique uids; every panel has a query on the datasource variable', () => {
    const all = dashboards();
    const uids = Object.values(all).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [file, d] of Object.entries(all)) {
      for (const p of (d.panels ?? []) as {
        type: string;
        title: string;
        datasource?: { uid: string };
        targets?: { expr?: string }[];
      }[]) {
        if (p.type === 'row') continue;
        expect(`${file}: ${p.title}: ${p.datasource?.uid}`).toBe(`${file}: ${p.title}: \${datasource}`);
        expect(p.targets?.every((t) => t.expr && t.expr.length > 0) && (p.targets?.length ?? 0) > 0).toBe(true);
      }
    }
  });

  test('every panel query parses (promtool)', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(40);
    const res = parseAll(queries);
    expect(res.output).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('recording rules a dashboard queries are defined by a PrometheusRule', () => {
    const recorded = recordedNames();
    const missing = dashboardQueries()
      .flatMap((q) => metricNames(q.expr).map((n) => ({ ...q, n })))
      .filter(({ n }) => n.includes(':') && !recorded.has(n));
    expect(missing).toEqual([]);
  });

  test('no query groups or filters by an unbounded label', () => {
    const unbounded = /\b(user_id|task_id|event_id|request_id|trace_id|path|url)\b/;
    expect([...dashboardQueries(), ...ruleQueries()].filter((q) => unbounded.test(q.expr))).toEqual([]);
  });
});

describe('dashboard checks catch broken fixtures', () => {
  test('a dashboard missing from the rendered chart', async () => {
    const { objects } = await renderDashboards();
    const [first] = Object.keys(dashboards());
    const without = objects.filter(
      ({ object }) => object.metadata.name !== `grafana-dashboard-${first!.replace(/\.json$/, '')}`,
    );
    expect(unshipped(without)).toEqual([`${first} is not shipped as its ConfigMap`]);
  });

  test('a dashboard file that is not JSON stops the render', async () => {
    const chart = join(mkdtempSync(join(tmpdir(), 'tasktide-dashboards-')), 'dashboards');
    cpSync(join(repoRoot, dashboardsChart), chart, { recursive: true });
    writeFileSync(join(chart, 'dashboards/broken.json'), '{"uid": "broken",');
    const out = await template('monitoring-config', chart, 'monitoring', []);
    expect(out.ok).toBe(false);
    expect(out.stderr).toContain('dashboards/broken.json: not a Grafana dashboard');
  });

  test('a panel query that does not parse', () => {
    const res = parseAll([{ where: 'fixture', expr: 'sum by (service (rate(http_requests_total[5m]))' }]);
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('parse error');
  });
});

describe('metric name extraction (the tokenizer the existence check relies on)', () => {
  test.each([
    ['sum by (service) (rate(http_requests_total{status=~"5.."}[5m]))', ['http_requests_total']],
    [
      'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{route=~"/api/.+"}[$__rate_interval])))',
      ['http_request_duration_seconds_bucket'],
    ],
    ['a_total / on (pod) group_left (node) b_info', ['a_total', 'b_info']],
    [
      'up{job="monitoring/dapr-sidecars"} == 0 or kube_pod_container_status_ready{container="daprd"} == 0',
      ['kube_pod_container_status_ready', 'up'],
    ],
    [
      'tasktide:reminder_late:ratio_rate1h > (14.4 * 0.01) and x offset 5m',
      ['tasktide:reminder_late:ratio_rate1h', 'x'],
    ],
    ['{__name__="weird_metric", job="a"} + 1e3', ['weird_metric']],
    ['sum(rate(foo[5m])) without (instance) unless bar > bool 2', ['bar', 'foo']],
    ['max_over_time(deriv(lag[10m:1m])[1h:5m])', ['lag']],
    ['label_replace(m, "dst", "$1", "src", "(.*)")', ['m']],
  ])('%s', (expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });
});
