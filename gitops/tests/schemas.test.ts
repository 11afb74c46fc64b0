// Offline tier: every rendered object and every hand-written manifest validated against its schema
// (kubernetes-models, CRD-generated models, hand-written Dapr/CloudNativePG schemas) with unknown
// fields rejected — the API server would silently prune them.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { localResiliency } from '../../packages/local-stack/src/resiliency.ts';
import { broken } from './lib/fixtures.ts';
import { handWrittenManifests, type Located, describe as name } from './lib/manifests.ts';
import { renderApps, renderDashboards, renderServices } from './lib/render.ts';
import { validateObject } from './lib/schema.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

async function problems(items: Located[]): Promise<string[]> {
  const out: string[] = [];
  for (const { source, object } of items) {
    for (const p of await validateObject(object)) out.push(`${source}: ${name(object)}: ${p}`);
  }
  return out;
}

const find = (items: Located[], kind: string, objName?: string) => {
  const hit = items.find(({ object }) => object.kind === kind && (!objName || object.metadata.name === objName));
  if (!hit) throw new Error(`no ${kind} ${objName ?? ''} in fixtures`);
  return hit;
};

describe('schemas', () => {
  test('every hand-written manifest is valid and has no unknown field', async () => {
    const manifests = handWrittenManifests();
    expect(manifests.length).toBeGreaterThan(50);
    expect(await problems(manifests)).toEqual([]);
  });

  test('every rendered service object is valid and has no unknown field', async () => {
    const objects = (await renderServices()).flatMap((r) => r.objects);
    expect(await problems(objects)).toEqual([]);
  });

  test('every rendered dashboard ConfigMap is valid and has no unknown field', async () => {
    const { objects } = await renderDashboards();
    expect(objects.length).toBeGreaterThan(0);
    expect(await problems(objects)).toEqual([]);
  });

  test("the local platform's Resiliency (derived from the cluster file) is valid too", async () => {
    const object = localResiliency() as Located['object'];
    expect(await problems([{ source: 'packages/local-stack/src/resiliency.ts', object }])).toEqual([]);
  });

  test('every rendered Argo CD object is valid and has no unknown field', async () => {
    const objects = (await renderApps()).flatMap((r) => r.objects);
    expect(await problems(objects)).toEqual([]);
  });
});

describe('schema checks catch broken fixtures', () => {
  const cases: [string, () => Promise<Located>, RegExp][] = [
    [
      'Deployment: misspelled field deep in the pod spec',
      async () =>
        broken(
          find(
            (await renderServices()).flatMap((r) => r.objects),
            'Deployment',
          ),
          (o) => {
            o.spec.template.spec.containers[0].readinessProbes = o.spec.template.spec.containers[0].readinessProbe;
          },
        ),
      /containers\/0\/readinessProbes: unknown field/,
    ],
    [
      'Deployment: wrong type',
      async () =>
        broken(
          find(
            (await renderServices()).flatMap((r) => r.objects),
            'Deployment',
          ),
          (o) => {
            o.spec.revisionHistoryLimit = 'five';
          },
        ),
      /revisionHistoryLimit/,
    ],
    [
      'Rollout (Argo Rollouts model): unknown canary field',
      async () =>
        broken(
          find(
            (await renderServices()).flatMap((r) => r.objects),
            'Rollout',
          ),
          (o) => {
            o.spec.strategy.canary.maxUnavailible = 0;
          },
        ),
      /canary\/maxUnavailible: unknown field/,
    ],
    [
      'AnalysisTemplate (Argo Rollouts model): a metric without its provider',
      async () =>
        broken(
          find(
            (await renderServices()).flatMap((r) => r.objects),
            'AnalysisTemplate',
          ),
          (o) => {
            delete o.spec.metrics[0].provider;
          },
        ),
      /provider/,
    ],
    [
      'Service: missing required ports[].port',
      async () =>
        broken(find((await renderServices())[0]!.objects, 'Service'), (o) => {
          delete o.spec.ports[0].port;
        }),
      /port/,
    ],
    [
      'Application (CRD model): unknown syncPolicy field',
      async () =>
        broken(find((await renderApps())[0]!.objects, 'Application'), (o) => {
          o.spec.syncPolicy.automated.selfheal = true;
        }),
      /automated\/selfheal: unknown field/,
    ],
    [
      'ExternalSecret (CRD model): unknown field',
      async () =>
        broken(find(handWrittenManifests(), 'ExternalSecret'), (o) => {
          o.spec.refreshIntervall = '1h';
        }),
      /refreshIntervall: unknown field/,
    ],
    [
      'ScaledObject (CRD model): wrong type',
      async () =>
        broken(
          find(
            (await renderServices()).flatMap((r) => r.objects),
            'ScaledObject',
          ),
          (o) => {
            o.spec.maxReplicaCount = 'three';
          },
        ),
      /maxReplicaCount/,
    ],
    [
      'Dapr Component (hand-written schema): scopes under spec',
      async () =>
        broken(find(handWrittenManifests(), 'Component', 'pubsub'), (o) => {
          o.spec.scopes = o.scopes;
        }),
      /\/spec\/scopes: unknown field/,
    ],
    [
      'Dapr Resiliency (hand-written schema): made-up retry field',
      async () =>
        broken(find(handWrittenManifests(), 'Resiliency'), (o) => {
          o.spec.policies.retries.deliveryRetries.initialInterval = '500ms';
        }),
      /initialInterval: unknown field/,
    ],
    [
      'CNPG Cluster (hand-written schema): five-field cron in ScheduledBackup',
      async () =>
        broken(find(handWrittenManifests(), 'ScheduledBackup'), (o) => {
          o.spec.schedule = '30 2 * * *';
        }),
      /schedule/,
    ],
    [
      'unknown kind has no schema',
      async () =>
        broken(find(handWrittenManifests(), 'ConfigMap'), (o) => {
          o.apiVersion = 'example.com/v1';
          o.kind = 'Widget';
        }),
      /no schema for example\.com\/v1\/Widget/,
    ],
  ];
  test.each(cases)('%s', async (_name, fixture, expected) => {
    const found = await problems([await fixture()]);
    expect(found.join('\n')).toMatch(expected);
  });

  test('labels, annotations and free-form Helm values are not reported as unknown fields', async () => {
    const app = find((await renderApps())[0]!.objects, 'Application');
    const fixture = broken(app, (o) => {
      o.metadata.labels = { 'anything.example/goes': 'yes' };
      o.spec.sources[0].helm = { valuesObject: { whatever: { nested: true } } };
    });
    expect(await problems([fixture])).toEqual([]);
  });
});
