// Offline tier: the contract with the other engineers — where CI's tag bump writes, which services
// exist, and the Dapr components and topics the services rely on.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicPlan } from '../../packages/local-stack/src/kafka.ts';
import { repoRoot, YAML } from './lib/deps.ts';
import type { Loose } from './lib/fixtures.ts';
import { handWrittenManifests } from './lib/manifests.ts';
import { clusters, renderServices, services } from './lib/render.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const sha = /^[0-9a-f]{40}$/;

describe('image tags live where the tag bump edits them', () => {
  test.each([...services])('gitops/services/%s/values.yaml holds image.repository and a default SHA tag', (service) => {
    const values = YAML.parse(read(`gitops/services/${service}/values.yaml`));
    expect(values.name).toBe(service);
    expect(values.image.repository).toBe(`ghcr.io/tasktide/${service}`);
    expect(values.image.tag).toMatch(sha);
  });

  test.each(
    clusters.flatMap((c) => services.map((s) => [c, s] as const)),
  )('clusters/%s/values/%s.yaml: image.tag with a comment line above it', (cluster, service) => {
    const text = read(`clusters/${cluster}/values/${service}.yaml`);
    const doc = YAML.parseDocument(text);
    expect(doc.getIn(['image', 'tag'])).toMatch(sha);
    const lines = text.split('\n');
    const tagLine = lines.findIndex((l) => /^ {2}tag: /.test(l));
    expect(lines[tagLine - 1]).toMatch(/^ {2}#/);
    expect(lines.slice(0, tagLine - 1).at(-1)).toBe('image:');
  });

  test('every deployed image is the overlay tag', async () => {
    for (const r of await renderServices()) {
      const tag = YAML.parse(read(`clusters/${r.cluster}/values/${r.service}.yaml`)).image.tag;
      const deployment = r.objects.find(({ object }) => ['Deployment', 'Rollout'].includes(object.kind))!
        .object as Loose;
      expect(deployment.spec.template.spec.containers[0].image).toBe(`ghcr.io/tasktide/${r.service}:${tag}`);
    }
  });
});

describe('services', () => {
  test('every app under apps/ that is a service has values, overlays and an ApplicationSet entry', () => {
    const appsValues = YAML.parse(read('gitops/apps/values.yaml'));
    const deployable = readdirSync(join(repoRoot, 'apps')).filter((a) => (services as readonly string[]).includes(a));
    for (const app of deployable) {
      expect(appsValues.services.names).toContain(app);
      for (const cluster of clusters)
        expect(existsSync(join(repoRoot, `clusters/${cluster}/values/${app}.yaml`))).toBe(true);
    }
    expect(appsValues.services.names).toEqual([...services]);
  });

  test('migration Jobs are PreSync hooks running `bun <migration.entrypoint>` without a sidecar', async () => {
    for (const r of await renderServices()) {
      const job = r.objects.find(
        ({ object }) => object.kind === 'Job' && String(object.metadata.name).endsWith('-migrate'),
      );
      const values = YAML.parse(read(`gitops/services/${r.service}/values.yaml`));
      if (!values.migration?.enabled) {
        expect(job).toBeUndefined();
        continue;
      }
      const o = job!.object as Loose;
      expect(o.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
      const entrypoint = values.migration.entrypoint;
      expect(o.spec.template.spec.containers[0].command).toEqual(['bun', entrypoint]);
      expect(o.spec.template.metadata.annotations?.['dapr.io/enabled']).toBeUndefined();
      // Where the app already exists, its migration entry point must too.
      if (existsSync(join(repoRoot, 'apps', r.service!)))
        expect(existsSync(join(repoRoot, `apps/${r.service}/src/migrate.ts`))).toBe(true);
    }
  });

  test('the container env carries what the services read', async () => {
    const r = (await renderServices()).find((x) => x.service === 'api' && x.cluster === 'oke')!;
    const config = r.objects.find(
      ({ object }) => object.kind === 'ConfigMap' && object.metadata.name === 'api-config',
    )!.object;
    expect(config.data).toMatchObject({
      PORT: '3000',
      TASKTIDE_BUS: 'dapr',
      DAPR_HTTP_PORT: '3500',
      LOG_LEVEL: 'info',
    });
    expect(Object.keys(config.data as object)).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    const deployment = r.objects.find(({ object }) => ['Deployment', 'Rollout'].includes(object.kind))!.object as Loose;
    const env = deployment.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
    // Credentials are not env: the api asks its sidecar's secret store (gitops/tests/secrets.test.ts).
    expect(env).toEqual(['SERVICE_VERSION', 'POD_NAME']);
  });
});

describe('hand-written manifests follow the repo style', () => {
  test('one resource per file, named <component>-<kind>.yaml', () => {
    const bySource = new Map<string, string[]>();
    for (const { source, object } of handWrittenManifests()) {
      bySource.set(source, [...(bySource.get(source) ?? []), object.kind]);
    }
    const offenders = [...bySource].filter(
      ([source, kinds]) => kinds.length !== 1 || !source.endsWith(`-${kinds[0]!.toLowerCase()}.yaml`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('Dapr components and topics', () => {
  const manifests = handWrittenManifests().filter(({ source }) => source.startsWith('gitops/platform/dapr/'));
  const component = (name: string) =>
    manifests.find(({ object }) => object.kind === 'Component' && object.metadata.name === name)!.object as Loose;
  const meta = (name: string) =>
    Object.fromEntries(component(name).spec.metadata.map((m: { name: string; value?: string }) => [m.name, m.value]));

  test('pubsub is Kafka with the app id as consumer group', () => {
    expect(component('pubsub').spec.type).toBe('pubsub.kafka');
    expect(meta('pubsub').consumerGroup).toBeUndefined();
  });
  test('pubsub-realtime is scoped to realtime, one consumer per pod, newest offset', () => {
    expect(component('pubsub-realtime').scopes).toEqual(['realtime']);
    expect(meta('pubsub-realtime')).toMatchObject({ consumerID: '{podName}', initialOffset: 'newest' });
  });
  test('statestore is Postgres, reminder-sweep and recurrence-sweep minutely input crons of their service, secretstore Kubernetes', () => {
    expect(component('statestore').spec.type).toBe('state.postgresql');
    expect(component('reminder-sweep').spec.type).toBe('bindings.cron');
    expect(meta('reminder-sweep')).toMatchObject({ direction: 'input', schedule: '@every 1m' });
    expect(component('reminder-sweep').scopes).toEqual(['notifier']);
    expect(component('recurrence-sweep').spec.type).toBe('bindings.cron');
    expect(meta('recurrence-sweep')).toMatchObject({ direction: 'input', schedule: '@every 1m' });
    expect(component('recurrence-sweep').scopes).toEqual(['recurrence']);
    expect(component('secretstore').spec.type).toBe('secretstores.kubernetes');
  });
  test('the Configuration every Deployment names exists, without high-cardinality metrics', async () => {
    const config = manifests.find(({ object }) => object.kind === 'Configuration')!.object as Loose;
    expect(config.metadata.name).toBe('tasktide');
    expect(config.spec.metrics.http.increasedCardinality).toBe(false);
  });
  test('every service invocation target has a circuit breaker the policies define, and retries only 5xx', () => {
    const resiliency = manifests.find(({ object }) => object.kind === 'Resiliency')!.object as Loose;
    const { policies, targets } = resiliency.spec;
    const apps = Object.entries(targets.apps as Record<string, { circuitBreaker?: string; retry?: string }>);
    expect(apps.map(([id]) => id)).toContain('api');
    for (const [, target] of apps) {
      expect(policies.circuitBreakers[target.circuitBreaker ?? '']?.trip).toMatch(/^consecutiveFailures > \d+$/);
      // daprd counts every non-2xx reply against the breaker; retrying a 404 would only add to it.
      expect(policies.retries[target.retry ?? ''].matching.httpStatusCodes).toBe('500-599');
    }
  });
  const topicLines = () => {
    const cm = handWrittenManifests().find(({ object }) => object.metadata.name === 'kafka-topics')!.object;
    return (cm.data as Record<string, string>)
      ['topics.txt']!.trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/) as [string, string, string]);
  };
  test('topics and partitions match the event backbone, each with a DLQ', () => {
    const topics = Object.fromEntries(topicLines().map(([name, partitions]) => [name, Number(partitions)]));
    expect(topics).toMatchObject({ 'task-events': 3, reminders: 1, 'task-updates': 3 });
    for (const topic of ['task-events', 'reminders', 'task-updates']) expect(topics[`${topic}-dlq`]).toBeGreaterThan(0);
  });
  test('retention: 30 days for task-events and reminders, task-updates short, the same as the local stack', () => {
    const retention = Object.fromEntries(topicLines().map(([name, , ms]) => [name, Number(ms)]));
    const days = (n: number) => n * 24 * 60 * 60 * 1000;
    // The specs' numbers, spelled out so a change to the shared table cannot pass unnoticed.
    expect(retention['task-events']).toBe(days(30));
    expect(retention.reminders).toBe(days(30));
    // Realtime catch-up only: at most a day, never the event topics' replay window.
    expect(retention['task-updates']).toBeLessThanOrEqual(days(1));
    // The clusters' job and the local stack read one table (packages/events).
    const local = Object.fromEntries(topicPlan().map((t) => [t.topic, t.retentionMs]));
    expect(retention).toEqual(local);
  });
});
