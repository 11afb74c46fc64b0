// Offline tier: progressive delivery and deploy notices. The api renders as an Argo Rollouts Rollout
// whose canary analysis (AnalysisTemplate) queries metrics the service exports and whose PromQL
// parses; the other services stay Deployments. Argo CD Notifications: every trigger sends templates
// that exist, every Application subscribes to triggers that exist on a service that is configured,
// and the service's credential comes from the ExternalSecret. Each check also fails a broken fixture.
import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, YAML } from './lib/deps.ts';
import { broken, type Loose } from './lib/fixtures.ts';
import { handWrittenManifests, type K8sObject, type Located } from './lib/manifests.ts';
import {
  type Notifications,
  parseNotifications,
  renderBodies,
  secretReferences,
  subscribedTriggers,
  subscriptionProblems,
  triggerProblems,
} from './lib/notifications.ts';
import { metricNames } from './lib/promql.ts';
import { alertsOf, anchorOf, promtool, runPromtool } from './lib/promtool.ts';
import { clusters, renderApps, renderServices } from './lib/render.ts';
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

  test("a canary fails where the alerts fire: the analysis thresholds are TasktideHighErrorRate's and TasktideHighLatency's", async () => {
    const api = (await servicesOn(cluster)).find((r) => r.service === 'api')!;
    expect(thresholdMismatches(ofKind(api.objects, 'AnalysisTemplate')[0]!.object)).toEqual([]);
  });
});

const alertThreshold = (alert: string) => {
  const rule = handWrittenManifests().find(({ object: o }) => o.kind === 'PrometheusRule')!.object;
  const expr = alertsOf(rule).find((a) => a.alert === alert)!.expr;
  return Number(/\)\s*>\s*([\d.]+)/.exec(expr)?.[1]);
};

/** Analysis metrics whose pass mark differs from the alert they mirror. */
function thresholdMismatches(template: K8sObject): string[] {
  const mirrors: Record<string, string> = {
    'error-ratio': 'TasktideHighErrorRate',
    'p95-latency': 'TasktideHighLatency',
  };
  return (template.spec as { metrics: (Metric & { successCondition?: string })[] }).metrics.flatMap((m) => {
    const alert = mirrors[m.name];
    if (!alert) return [];
    const mark = Number(/result\[0\] <= ([\d.]+)$/.exec(m.successCondition ?? '')?.[1]);
    return mark === alertThreshold(alert)
      ? []
      : [`${m.name}: passes at <= ${mark}, ${alert} fires at > ${alertThreshold(alert)}`];
  });
}

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

  test('an analysis threshold that drifted from its alert', async () => {
    const template = broken(ofKind(await apiObjects(), 'AnalysisTemplate')[0]!, (o) => {
      o.spec.metrics[0].successCondition = o.spec.metrics[0].successCondition.replace('<= 0.05', '<= 0.2');
    });
    expect(thresholdMismatches(template.object)).toEqual([
      'error-ratio: passes at <= 0.2, TasktideHighErrorRate fires at > 0.05',
    ]);
  });

  test('an analysis query that does not parse', () => {
    const res = parseQueries([{ name: 'x', expr: 'sum(rate(http_requests_total{pod=~"api-x-.*"}[2m])' }]);
    expect(res.status).not.toBe(0);
  });
});

// --- Argo CD Notifications -------------------------------------------------------------------------

const notificationsCm = () =>
  handWrittenManifests().find(
    ({ object: o }) => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-notifications-cm',
  )!;

/** Every Application with its annotations: the root apps, the platform apps, the services ApplicationSet's template. */
async function subscribers(cluster: string) {
  const rendered = (await renderApps()).find((r) => r.cluster === cluster)!.objects.map(({ object }) => object);
  const root = handWrittenManifests()
    .map(({ object }) => object)
    .filter(
      (o) => o.kind === 'Application' && o.metadata.name === 'tasktide-root' && o.metadata.namespace === 'argocd',
    );
  const annotationsOf = (m: { annotations?: unknown }) => (m.annotations ?? {}) as Record<string, string>;
  return [
    ...[...root, ...rendered.filter((o) => o.kind === 'Application')].map((o) => ({
      name: `Application/${o.metadata.name}`,
      layer: ((o.metadata.labels ?? {}) as Record<string, string>)['tasktide.dev/layer'],
      annotations: annotationsOf(o.metadata),
    })),
    ...rendered
      .filter((o) => o.kind === 'ApplicationSet')
      .map((o) => ({
        name: `ApplicationSet/${o.metadata.name}`,
        layer: 'services',
        annotations: annotationsOf((o.spec as Loose).template.metadata),
      })),
  ];
}

/** A service Application whose last sync failed: what the controller hands to a template as `.app`. */
const failedSync = {
  metadata: { name: 'api' },
  spec: { destination: { namespace: 'todo-app' } },
  status: {
    health: { status: 'Degraded', message: 'Rollout aborted: "error-ratio" failed' },
    sync: { status: 'Synced', revisions: ['0123abc', '4567def'] },
    operationState: {
      phase: 'Failed',
      message: 'one or more "hooks" failed: Job api-smoke',
      finishedAt: '2026-12-05T12:00:00Z',
    },
  },
};

describe('Argo CD Notifications', () => {
  let n: Notifications;
  beforeAll(() => {
    n = parseNotifications(notificationsCm().object);
  });

  test('the ConfigMap parses: a chat service, the four deploy triggers, a template for each', () => {
    expect([...n.services.keys()]).toEqual(['ops-chat']);
    expect([...n.triggers.keys()].sort()).toEqual([
      'on-deployed',
      'on-health-degraded',
      'on-rollback',
      'on-sync-failed',
    ]);
    expect(triggerProblems(n)).toEqual([]);
  });

  test.each(clusters)('every Application subscribes to triggers and a service that exist (%s)', async (cluster) => {
    const apps = await subscribers(cluster);
    expect(subscriptionProblems(n, apps)).toEqual([]);
    for (const app of apps) {
      const wanted = ['on-sync-failed', 'on-health-degraded', ...(app.layer === 'services' ? ['on-rollback'] : [])];
      expect({
        app: app.name,
        missing: wanted.filter((t) => !subscribedTriggers(app.annotations).includes(t)),
      }).toEqual({
        app: app.name,
        missing: [],
      });
    }
  });

  test("the service's credential comes from the ExternalSecret merged into argocd-notifications-secret", () => {
    const es = handWrittenManifests().find(
      ({ object: o }) =>
        o.kind === 'ExternalSecret' && (o.spec as Loose).target?.name === 'argocd-notifications-secret',
    )!.object as Loose;
    expect(es.metadata.namespace).toBe('argocd');
    // Argo CD's install manifest owns the Secret: merge into it, never replace it.
    expect(es.spec.target.creationPolicy).toBe('Merge');
    const keys = es.spec.data.map((d: { secretKey: string }) => d.secretKey);
    expect(secretReferences(n).filter((k) => !keys.includes(k))).toEqual([]);
    expect(secretReferences(n)).toEqual(['ops-chat-webhook-url']);
  });

  test('every template renders to the JSON a Slack-compatible webhook takes', async () => {
    const bodies = await renderBodies(n, failedSync);
    expect(bodies.size).toBe(n.templates.size);
    for (const [name, body] of bodies) {
      const parsed = JSON.parse(body) as { text?: unknown };
      expect({ name, text: typeof parsed.text }).toEqual({ name, text: 'string' });
      expect(parsed.text as string).toContain('api');
    }
    expect(JSON.parse(bodies.get('app-sync-failed/ops-chat')!).text).toContain('one or more "hooks" failed');
    // Each notice points at a section of docs/runbook.md that exists.
    const runbook = readFileSync(join(repoRoot, 'docs/runbook.md'), 'utf8');
    const anchors = new Set(
      runbook
        .split('\n')
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => anchorOf(l.replace(/^#+ /, ''))),
    );
    const linked = [...bodies.values()].flatMap((b) =>
      [...b.matchAll(/docs\/runbook\.md#([\w-]+)/g)].map((m) => m[1]!),
    );
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((a) => !anchors.has(a))).toEqual([]);
  });
});

describe('notification checks catch broken fixtures', () => {
  const mutated = (mutate: (data: Record<string, string>) => void) =>
    parseNotifications(
      broken(notificationsCm(), (o) => {
        mutate(o.data);
      }).object,
    );

  test('a trigger sending a template that does not exist', () => {
    const n = mutated((d) => {
      d['trigger.on-sync-failed'] = d['trigger.on-sync-failed']!.replace('app-sync-failed', 'app-sync-faild');
    });
    expect(triggerProblems(n)).toEqual(['trigger on-sync-failed: sends template app-sync-faild, which does not exist']);
  });

  test('a template for a service that is not configured', () => {
    const n = mutated((d) => {
      delete d['service.webhook.ops-chat'];
    });
    expect(triggerProblems(n).join('\n')).toContain(
      'template app-deployed: webhook service ops-chat is not configured',
    );
  });

  test('a subscription to a trigger that does not exist', () => {
    const n = parseNotifications(notificationsCm().object);
    const apps = [
      { name: 'Application/api', annotations: { 'notifications.argoproj.io/subscribe.on-sync-faild.ops-chat': '' } },
    ];
    expect(subscriptionProblems(n, apps)).toEqual([
      'Application/api: subscribes to trigger on-sync-faild, which does not exist',
    ]);
  });

  test('a body that is not JSON once rendered (the message not escaped)', async () => {
    const n = mutated((d) => {
      d['template.app-sync-failed'] = [
        'webhook:',
        '  ops-chat:',
        '    method: POST',
        '    body: |',
        '      {"text": "{{ .app.status.operationState.message }}"}',
      ].join('\n');
    });
    const body = (await renderBodies(n, failedSync)).get('app-sync-failed/ops-chat')!;
    expect(() => JSON.parse(body)).toThrow();
  });
});
