// Offline tier: progressive delivery and deploy notices. The api renders as an Argo Rollouts Rollout
// whose canary analysis (AnalysisTemplate) queries metrics the service exports and whose PromQL
// parses; the other services stay Deployments. Argo CD Notifications: every trigger sends templates
// that exist, every Application subscribes to triggers that exist on a service that is configured,
// and the service's credential comes from the ExternalSecret. Each check also fails a broken fixture.
import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YAML } from './lib/deps.ts';
import { broken, type Loose } from './lib/fixtures.ts';
import type { K8sObject, Located } from './lib/manifests.ts';
import { metricNames } from './lib/promql.ts';
import { promtool, runPromtool } from './lib/promtool.ts';
import { clusters, renderServices } from './lib/render.ts';
import { validateObject } from './lib/schema.ts';

setDefaultTimeout(60_000);

beforeAll(() => {
  promtool();
});

const servicesOn = async (cluster: string) => (await renderServices()).filter((r) => r.cluster === cluster);
const ofKind = (objects: Located[], kind: string) => objects.filter(({ object }) => object.kind === kind);

type Metric = { name: string; provider: { prometheus?: { query: string }; job?: unknown } };

/** Problems between a Rollout and the objects rendered with it (its AnalysisTemplate, Services, HPA). */
function rolloutProblems(objects: Located[]): string[] {
  const out: string[] = [];
  const templates = new Map(ofKind(objects, 'AnalysisTemplate').map(({ object }) => [object.metadata.name, object]));
  const services = new Set(ofKind(objects, 'Service').map(({ object }) => object.metadata.name));
  for (const { object: rollout } of ofKind(objects, 'Rollout')) {
    const canary = (rollout.spec as Loose).strategy?.canary;
    if (!canary) {
      out.push(`Rollout/${rollout.metadata.name}: no canary strategy`);
      continue;
    }
    if (!canary.analysis?.templates?.length) out.push(`Rollout/${rollout.metadata.name}: canary without analysis`);
    for (const ref of canary.analysis?.templates ?? []) {
      const template = templates.get(ref.templateName);
      if (!template) {
        out.push(`Rollout/${rollout.metadata.name}: AnalysisTemplate ${ref.templateName} is not rendered`);
        continue;
      }
      const wanted = ((template.spec as Loose).args ?? []).map((a: { name: string }) => a.name).sort();
      const given = (canary.analysis.args ?? []).map((a: { name: string }) => a.name).sort();
      if (JSON.stringify(wanted) !== JSON.stringify(given)) {
        out.push(
          `Rollout/${rollout.metadata.name}: passes args ${given} to ${ref.templateName}, which takes ${wanted}`,
        );
      }
    }
    if (canary.canaryService && !services.has(canary.canaryService)) {
      out.push(`Rollout/${rollout.metadata.name}: canaryService ${canary.canaryService} is not rendered`);
    }
  }
  for (const { object: hpa } of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const target = (hpa.spec as Loose).scaleTargetRef;
    const workload = objects.find(({ object }) => object.kind === target.kind && object.metadata.name === target.name);
    if (!workload)
      out.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: scales ${target.kind}/${target.name}, not rendered`);
  }
  return out;
}

/** The Prometheus queries of AnalysisTemplates, with Argo Rollouts' `{{args.x}}` filled in. */
const analysisQueries = (template: K8sObject) =>
  ((template.spec as { metrics: Metric[] }).metrics ?? [])
    .filter((m) => m.provider.prometheus)
    .map((m) => ({ name: m.name, expr: m.provider.prometheus!.query.replace(/\{\{\s*args\.[\w-]+\s*\}\}/g, 'x') }));

function parseQueries(queries: { name: string; expr: string }[]) {
  const work = mkdtempSync(join(tmpdir(), 'tasktide-analysis-'));
  const rules = queries.map((q, i) => ({ record: `tasktide_check:analysis_${i}`, expr: q.expr }));
  writeFileSync(join(work, 'rules.yaml'), YAML.stringify({ groups: [{ name: 'analysis', rules }] }));
  return runPromtool(['check', 'rules', 'rules.yaml'], work);
}

// What packages/service-kit/src/metrics.ts exports (a histogram's series carry _bucket/_sum/_count).
const exported = new Set(['http_requests_total', 'http_request_duration_seconds_bucket']);

describe.each(clusters)('progressive delivery (%s)', (cluster) => {
  test('the api is a Rollout with its AnalysisTemplate and canary Service; the others stay Deployments', async () => {
    for (const r of await servicesOn(cluster)) {
      const kinds = r.objects.map(({ object }) => object.kind);
      const expected =
        r.service === 'api'
          ? { Rollout: 1, AnalysisTemplate: 1, Deployment: 0 }
          : { Rollout: 0, AnalysisTemplate: 0, Deployment: 1 };
      const got = Object.fromEntries(Object.keys(expected).map((k) => [k, kinds.filter((x) => x === k).length]));
      expect({ service: r.service, ...got }).toEqual({ service: r.service, ...expected });
    }
  });

  test('Rollout and AnalysisTemplate pass their CRD schemas (unknown fields rejected)', async () => {
    const api = (await servicesOn(cluster)).find((r) => r.service === 'api')!;
    const objects = [...ofKind(api.objects, 'Rollout'), ...ofKind(api.objects, 'AnalysisTemplate')];
    expect(objects).toHaveLength(2);
    for (const { object } of objects)
      expect({ kind: object.kind, problems: await validateObject(object) }).toEqual({
        kind: object.kind,
        problems: [],
      });
  });

  test('the canary is analysed by a rendered template with the args it declares; the HPA scales the Rollout', async () => {
    for (const r of await servicesOn(cluster)) expect(rolloutProblems(r.objects)).toEqual([]);
  });

  test("the analysis queries parse, read only the service's exported metrics and only the canary's pods", async () => {
    const api = (await servicesOn(cluster)).find((r) => r.service === 'api')!;
    const template = ofKind(api.objects, 'AnalysisTemplate')[0]!.object;
    const raw = (template.spec as { metrics: Metric[] }).metrics.filter((m) => m.provider.prometheus);
    expect(raw.map((m) => m.name).sort()).toEqual(['error-ratio', 'p95-latency']);
    for (const m of raw) expect(m.provider.prometheus!.query).toContain('pod=~"api-{{args.canary-hash}}-.*"');
    const queries = analysisQueries(template);
    const res = parseQueries(queries);
    expect(res.output).toContain('SUCCESS');
    for (const q of queries) for (const name of metricNames(q.expr)) expect(exported).toContain(name);
    // The smoke test runs against the canary alone.
    const smoke = (template.spec as { metrics: Metric[] }).metrics.find((m) => m.name === 'smoke');
    expect(JSON.stringify(smoke?.provider.job)).toContain('http://api-canary.todo-app.svc.cluster.local:3000');
  });
});

describe('progressive delivery checks catch broken fixtures', () => {
  const apiObjects = async () => (await renderServices()).find((r) => r.service === 'api')!.objects;
  const replace = (objects: Located[], kind: string, mutate: (o: Loose) => void) =>
    objects.map((item) => (item.object.kind === kind ? broken(item, mutate) : item));

  test('a Rollout naming a template that is not rendered, with args it does not take', async () => {
    const objects = replace(await apiObjects(), 'Rollout', (o) => {
      o.spec.strategy.canary.analysis.templates[0].templateName = 'api-canary-typo';
    });
    expect(rolloutProblems(objects)).toEqual(['Rollout/api: AnalysisTemplate api-canary-typo is not rendered']);
    const wrongArgs = replace(await apiObjects(), 'Rollout', (o) => {
      o.spec.strategy.canary.analysis.args[0].name = 'hash';
    });
    expect(rolloutProblems(wrongArgs).join()).toContain('passes args hash to api-canary, which takes canary-hash');
  });

  test('an HPA still scaling the Deployment that is no longer rendered', async () => {
    const objects = replace(await apiObjects(), 'HorizontalPodAutoscaler', (o) => {
      o.spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' };
    });
    expect(rolloutProblems(objects)).toEqual(['HorizontalPodAutoscaler/api: scales Deployment/api, not rendered']);
  });

  test('an analysis query that does not parse', () => {
    const res = parseQueries([{ name: 'x', expr: 'sum(rate(http_requests_total{pod=~"api-x-.*"}[2m])' }]);
    expect(res.status).not.toBe(0);
  });
});
