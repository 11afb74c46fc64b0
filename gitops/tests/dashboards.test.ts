// Offline tier: Grafana dashboards. The JSON files are the source; their ConfigMaps (label
// grafana_dashboard: "1") must be what scripts/gitops/dashboard-configmaps.ts renders from them;
// every panel's PromQL must parse (promtool, on a generated rules file). Which metrics exist is
// proven against real scrapes by apps/dev/src/observability.e2e.test.ts. Broken fixtures included.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapFile, renderAll, renderDashboardConfigMap } from '../../scripts/gitops/dashboard-configmaps.ts';
import { repoRoot, YAML } from './lib/deps.ts';
import { handWrittenManifests } from './lib/manifests.ts';
import {
  dashboardQueries,
  dashboards,
  metricNames,
  type Query,
  recordedNames,
  ruleQueries,
  withGrafanaVariables,
} from './lib/promql.ts';
import { runPromtool } from './lib/promtool.ts';

setDefaultTimeout(60_000);

const monitoring = join(repoRoot, 'gitops/platform/monitoring');

/** promtool check rules over one recording rule per query: non-zero exit names the broken one. */
function parseAll(queries: Query[]) {
  const work = mkdtempSync(join(tmpdir(), 'tasktide-promql-'));
  const rules = queries.map((q, i) => ({ record: `tasktide_check:query_${i}`, expr: withGrafanaVariables(q.expr) }));
  writeFileSync(join(work, 'rules.yaml'), YAML.stringify({ groups: [{ name: 'dashboards', rules }] }));
  return runPromtool(['check', 'rules', 'rules.yaml'], work);
}

/** Dashboards whose ConfigMap is missing or differs from what the JSON renders to. */
function staleConfigMaps(read: (file: string) => string | undefined): string[] {
  return renderAll()
    .filter(([file, text]) => read(file) !== text)
    .map(([file]) => `${file} is missing or stale: run bun scripts/gitops/dashboard-configmaps.ts`);
}
const readCommitted = (file: string) => {
  try {
    return readFileSync(join(monitoring, file), 'utf8');
  } catch {
    return undefined;
  }
};

describe('dashboards', () => {
  test('four dashboards: overview, event pipeline, reminders SLO, Dapr sidecars', () => {
    expect(Object.keys(dashboards())).toEqual([
      'tasktide-dapr.json',
      'tasktide-events.json',
      'tasktide-overview.json',
      'tasktide-reminders.json',
    ]);
  });

  test('each ConfigMap is rendered from its JSON and labelled for the Grafana sidecar', () => {
    expect(staleConfigMaps(readCommitted)).toEqual([]);
    const maps = handWrittenManifests().filter(({ object }) =>
      object.metadata.name?.toString().startsWith('grafana-dashboard-'),
    );
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
  test('a ConfigMap not re-rendered after its JSON changed', () => {
    const [file, text] = renderAll()[0]!;
    const stale = (f: string) => (f === file ? text.replace('"refresh": "30s"', '"refresh": "1m"') : readCommitted(f));
    expect(staleConfigMaps(stale)).toEqual([
      `${file} is missing or stale: run bun scripts/gitops/dashboard-configmaps.ts`,
    ]);
    expect(configMapFile('x')).toBe('grafana-dashboard-x-configmap.yaml');
    expect(renderDashboardConfigMap('x', '{"title":"X"}')).toContain('grafana_dashboard: "1"');
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
