/**
 * promtool (Debian's prometheus package, promtool extracted by scripts/platform/install-promtool.sh)
 * over the PrometheusRule objects: the rule groups are written to a plain rules file, because
 * promtool reads Prometheus rule files, not Kubernetes objects.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, YAML } from './deps.ts';
import type { K8sObject } from './manifests.ts';

let dir: string | undefined;

/** Installs promtool on first use (cached outside the repo) and returns its path. */
export function promtool(): string {
  if (!dir) {
    const res = spawnSync('bash', [join(repoRoot, 'scripts/platform/install-promtool.sh')], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`install-promtool.sh failed: ${res.stderr}`);
    dir = res.stdout.trim().split('\n').at(-1)!;
  }
  return join(dir, 'promtool');
}

export function runPromtool(args: string[], cwd?: string) {
  const res = spawnSync(promtool(), args, { cwd, encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export type RuleGroup = { name: string; rules: Rule[] };

export const groupsOf = (rule: K8sObject): RuleGroup[] => (rule.spec as { groups: RuleGroup[] }).groups;
export const alertsOf = (rule: K8sObject): Rule[] => groupsOf(rule).flatMap((g) => g.rules.filter((r) => r.alert));

/** A temp directory holding `rules.yaml` (the object's groups) and, when given, promtool unit tests. */
export function promtoolWorkdir(rule: K8sObject, opts: { unitTests?: string; runbookOnly?: boolean } = {}): string {
  const work = mkdtempSync(join(tmpdir(), 'tasktide-promtool-'));
  const groups = groupsOf(rule).map((g) => ({
    ...g,
    rules: g.rules.map((r) =>
      // Unit tests compare annotations exactly: keep only the runbook link, which they then expect.
      opts.runbookOnly && r.annotations ? { ...r, annotations: { runbook_url: r.annotations.runbook_url } } : r,
    ),
  }));
  writeFileSync(join(work, 'rules.yaml'), YAML.stringify({ groups }));
  if (opts.unitTests !== undefined) {
    const runbooks = new Map(alertsOf(rule).map((a) => [a.alert!, a.annotations?.runbook_url]));
    const tests = YAML.parse(opts.unitTests) as UnitTests;
    for (const t of tests.tests) {
      for (const a of t.alert_rule_test ?? []) {
        for (const exp of a.exp_alerts ?? []) {
          const url = runbooks.get(a.alertname);
          if (url) exp.exp_annotations = { runbook_url: url, ...exp.exp_annotations };
        }
      }
    }
    writeFileSync(join(work, 'tests.yaml'), YAML.stringify(tests));
  }
  return work;
}

type UnitTests = {
  tests: {
    name?: string;
    alert_rule_test?: {
      alertname: string;
      exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
    }[];
  }[];
};

/** Alerts without both a case where they fire and one where they stay quiet. */
export function untestedAlerts(rule: K8sObject, unitTests: string): string[] {
  const tests = YAML.parse(unitTests) as UnitTests;
  const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
  const out: string[] = [];
  for (const name of new Set(alertsOf(rule).map((a) => a.alert!))) {
    const mine = cases.filter((c) => c.alertname === name);
    if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) out.push(`${name}: no unit test where it fires`);
    if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) out.push(`${name}: no unit test where it stays quiet`);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** Alerts whose runbook_url is missing or does not point at an existing section of docs/runbook.md. */
export function runbookProblems(rule: K8sObject, runbook: string): string[] {
  const anchors = new Set(
    runbook
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  );
  const out: string[] = [];
  for (const a of alertsOf(rule)) {
    const url = a.annotations?.runbook_url;
    const match = url ? /\/docs\/runbook\.md#([\w-]+)$/.exec(url) : null;
    if (!url) out.push(`${a.alert}: no runbook_url annotation`);
    else if (!match) out.push(`${a.alert}: runbook_url ${url} does not point at a section of docs/runbook.md`);
    else if (!anchors.has(match[1]!)) out.push(`${a.alert}: docs/runbook.md has no section #${match[1]}`);
  }
  return out;
}
