/**
 * What dashboards and alert rules query, for the checks that their PromQL parses (promtool) and
 * names only metrics that exist (apps/dev/src/observability.e2e.test.ts).
 *
 * Honest about the method: promtool 2.42 (Debian 12) parses PromQL only inside `check rules` and
 * prints no syntax tree, so parsing is proven by promtool on a generated rules file, while metric
 * names are extracted by the tokenizer below (strings, label matchers, ranges and grouping clauses
 * removed; an identifier not followed by `(` and not a keyword is a metric name). Its unit tests
 * in dashboards.test.ts cover the shapes our queries use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './deps.ts';
import { handWrittenManifests } from './manifests.ts';
import { groupsOf } from './promtool.ts';
import { dashboardsChart } from './render.ts';

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
]);

/** Metric names an expression selects (including recording-rule names such as `a:b:c`). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  let s = expr.replace(/#[^\n]*/g, ' ');
  // A selector by __name__ inside braces names a metric too.
  for (const m of s.matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(m[1]!);
  s = s
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/@\s*(?:start|end)\s*\(\s*\)/g, ' ');
  const token = /(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[a-zA-Z]*|0x[0-9a-fA-F]+)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(\S)/g;
  for (let m = token.exec(s); m; m = token.exec(s)) {
    const ident = m[2];
    if (!ident || keywords.has(ident.toLowerCase())) continue;
    const rest = s.slice(token.lastIndex);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation
    names.add(ident);
  }
  return [...names].sort();
}

export interface Query {
  /** Where the expression lives, for messages (`dashboard.json: panel title` or `rule-file: alert`). */
  where: string;
  expr: string;
}

/** Grafana's built-in variables replaced by values PromQL accepts, so promtool can parse the query. */
export const withGrafanaVariables = (expr: string) =>
  expr.replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, '5m').replace(/\$__range/g, '1d');

type Panel = { title?: string; type?: string; targets?: { expr?: string }[]; panels?: Panel[] };

export const dashboardsDir = join(repoRoot, dashboardsChart, 'dashboards');

/** Every dashboard JSON file by name. */
export function dashboards(): Record<string, { uid?: string; title?: string; panels?: Panel[]; templating?: unknown }> {
  return Object.fromEntries(
    readdirSync(dashboardsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8'))]),
  );
}

const flatPanels = (panels: Panel[] = []): Panel[] => panels.flatMap((p) => [p, ...flatPanels(p.panels)]);

/** Every panel query of every dashboard. */
export function dashboardQueries(): Query[] {
  return Object.entries(dashboards()).flatMap(([file, d]) =>
    flatPanels(d.panels).flatMap((p) =>
      (p.targets ?? []).filter((t) => t.expr).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr! })),
    ),
  );
}

/** Every expression of every PrometheusRule in gitops. */
export function ruleQueries(): Query[] {
  return handWrittenManifests()
    .filter(({ object }) => object.kind === 'PrometheusRule')
    .flatMap(({ source, object }) =>
      groupsOf(object).flatMap((g) =>
        g.rules.map((r) => ({ where: `${source}: ${r.alert ?? r.record}`, expr: r.expr })),
      ),
    );
}

/** Names recorded by our rules (dashboards may query them; their inputs are checked as rule queries). */
export function recordedNames(): Set<string> {
  return new Set(
    handWrittenManifests()
      .filter(({ object }) => object.kind === 'PrometheusRule')
      .flatMap(({ object }) => groupsOf(object).flatMap((g) => g.rules.map((r) => r.record)))
      .filter((r): r is string => Boolean(r)),
  );
}

/**
 * Metrics that exist only in a cluster, so no local scrape can show them. Each entry says who
 * exports it; keep this list short and exact.
 */
export const inClusterOnly: Record<string, string> = {
  up: 'Prometheus itself, per scrape target',
  kube_pod_container_status_restarts_total: 'kube-state-metrics (kube-prometheus-stack)',
  kube_pod_container_status_ready: 'kube-state-metrics (kube-prometheus-stack)',
  container_cpu_usage_seconds_total: 'cAdvisor in the kubelet (kube-prometheus-stack scrapes it)',
  container_memory_working_set_bytes: 'cAdvisor in the kubelet (kube-prometheus-stack scrapes it)',
  redpanda_kafka_consumer_group_lag_sum:
    'Redpanda /public_metrics with enable_consumer_group_metrics [group, partition, consumer_lag] (values/redpanda.yaml); assumed from the Redpanda 25.1 metrics reference, not scraped here',
};

/**
 * Metric names a Prometheus exposition declares (`# TYPE` lines plus sample names), with the
 * histogram/summary series suffixes a query may use (`_bucket`, `_sum`, `_count`).
 */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${type[1]}${s}`);
      if (type[2] === 'summary') for (const s of ['_sum', '_count']) names.add(`${type[1]}${s}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
