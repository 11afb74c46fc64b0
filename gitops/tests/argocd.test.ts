// Offline tier: the Argo CD graph. Argo CD cannot run here, so its inputs are checked instead: every
// Application's repo path and value files exist, third-party charts are pinned, sync waves follow the
// layers and CRD providers, AppProjects admit what they must, and UI rollback cannot be undone by a
// parent. Each check also fails a broken fixture.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type App,
  applications,
  crdGroupOf,
  dependencyInversions,
  missingFiles,
  projectViolations,
  rollbackBlockers,
  unpinned,
  wavesOutOfOrder,
} from './lib/argocd.ts';
import { repoRoot } from './lib/deps.ts';
import { broken } from './lib/fixtures.ts';
import { handWrittenManifests, type Located, parseDocuments } from './lib/manifests.ts';
import { clusters, dashboardsChart, renderApps, renderDashboards, renderServices } from './lib/render.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const rootApp = (cluster: string) =>
  parseDocuments(
    readFileSync(join(repoRoot, `clusters/${cluster}/root-application.yaml`), 'utf8'),
    `clusters/${cluster}/root-application.yaml`,
  )[0]!;

async function graph(cluster: string): Promise<{ items: Located[]; apps: App[] }> {
  const rendered = (await renderApps()).find((r) => r.cluster === cluster)!;
  const items = [rootApp(cluster), ...rendered.objects];
  return { items, apps: applications(items) };
}

/** API groups an Application deploys: from its directories' manifests, or our rendered charts. */
async function groupsOf(app: App): Promise<string[]> {
  const manifests = handWrittenManifests();
  const paths = app.sources.map((s) => s.path).filter((p): p is string => Boolean(p));
  const objects = paths.includes('gitops/charts/service')
    ? (await renderServices()).flatMap((r) => r.objects)
    : [
        ...manifests.filter(({ source }) => paths.some((p) => source.startsWith(`${p}/`))),
        ...(paths.includes(dashboardsChart) ? (await renderDashboards()).objects : []),
      ];
  return [...new Set(objects.map(({ object }) => crdGroupOf(object)))];
}

async function inversions(apps: App[]): Promise<string[]> {
  const groups = new Map(await Promise.all(apps.map(async (a) => [a.name, await groupsOf(a)] as const)));
  return dependencyInversions(apps, (a) => groups.get(a.name) ?? []);
}

describe.each([...clusters])('Argo CD graph on %s', (cluster) => {
  test('the root app, platform apps and every service app are present', async () => {
    const names = (await graph(cluster)).apps.map((a) => a.name);
    for (const expected of [
      'tasktide-root',
      'dapr',
      'redpanda',
      'kube-prometheus-stack',
      'argo-rollouts',
      'api',
      'recurrence',
      'notifier',
      'audit',
      'realtime',
    ]) {
      expect(names).toContain(expected);
    }
  });
  test('paths and value files exist', async () => expect(missingFiles((await graph(cluster)).apps)).toEqual([]));
  test('third-party charts are pinned to exact versions', async () =>
    expect(unpinned((await graph(cluster)).apps)).toEqual([]));
  test('sync waves follow the layer order', async () =>
    expect(wavesOutOfOrder((await graph(cluster)).apps)).toEqual([]));
  test('nothing syncs before the Application that installs its CRDs', async () =>
    expect(await inversions((await graph(cluster)).apps)).toEqual([]));
  test('AppProjects admit every source and destination', async () => {
    const { apps, items } = await graph(cluster);
    expect(projectViolations(apps, items)).toEqual([]);
  });
  test('the services project admits every kind the service chart renders', async () => {
    const { items } = await graph(cluster);
    const project = items.find(({ object }) => object.kind === 'AppProject' && object.metadata.name === 'services')!;
    const allowed = (
      project.object.spec as { namespaceResourceWhitelist: { kind: string }[] }
    ).namespaceResourceWhitelist.map((k) => k.kind);
    const rendered = new Set((await renderServices()).flatMap((r) => r.objects.map(({ object }) => object.kind)));
    expect([...rendered].filter((kind) => !allowed.includes(kind))).toEqual([]);
  });
  test('rollback from the UI sticks (parents ignore only /spec/syncPolicy/automated)', async () => {
    const { items } = await graph(cluster);
    expect(rollbackBlockers(items, rootApp(cluster).object)).toEqual([]);
  });
});

describe('Argo CD checks catch broken fixtures', () => {
  const app = async (name: string) => (await graph('oke')).apps.find((a) => a.name === name)!;
  const reApp = (a: App, mutate: Parameters<typeof broken>[1]) =>
    applications([broken({ source: a.origin, object: a.object }, mutate)]);

  test('a path that does not exist', async () => {
    const fixture = reApp(await app('dapr-components'), (o) => {
      o.spec.sources[0].path = 'gitops/platform/dapr-typo';
    });
    expect(missingFiles(fixture).join()).toContain('path gitops/platform/dapr-typo does not exist');
  });
  test('a value file that does not exist', async () => {
    const fixture = reApp(await app('api'), (o) => {
      o.spec.sources[0].helm.valueFiles[1] = '$values/clusters/oke/values/apii.yaml';
    });
    expect(missingFiles(fixture).join()).toContain('value file $values/clusters/oke/values/apii.yaml does not exist');
  });
  test.each(['1.x', '>=1.18.0', 'latest', ''])('an unpinned chart version "%s"', async (version) => {
    const fixture = reApp(await app('dapr'), (o) => {
      o.spec.sources[0].targetRevision = version;
    });
    expect(unpinned(fixture).join()).toContain('is not an exact version');
  });
  test('a service that syncs before monitoring', async () => {
    const { apps } = await graph('oke');
    const fixture = apps.map((a) => (a.name === 'api' ? { ...a, wave: -1 } : a));
    expect(wavesOutOfOrder(fixture).join('\n')).toContain('must sync before api (services, wave -1)');
  });
  test('Dapr components before Dapr', async () => {
    const { apps } = await graph('oke');
    const fixture = apps.map((a) => (a.name === 'dapr-components' ? { ...a, wave: -25 } : a));
    expect((await inversions(fixture)).join()).toContain(
      'dapr-components (wave -25) uses dapr.io from dapr (wave -20)',
    );
  });
  test('Argo Rollouts after the services that use its Rollout (argoproj.io is not only Argo CD)', async () => {
    const { apps } = await graph('oke');
    const fixture = apps.map((a) => (a.name === 'argo-rollouts' ? { ...a, wave: 20 } : a));
    expect((await inversions(fixture)).join()).toContain(
      'api (wave 10) uses argoproj.io/rollouts from argo-rollouts (wave 20)',
    );
  });
  test('a project that does not admit the destination', async () => {
    const { apps, items } = await graph('oke');
    const fixture = apps.map((a) =>
      a.name === 'api'
        ? {
            ...a,
            object: { ...a.object, spec: { ...(a.object.spec as object), destination: { namespace: 'kube-system' } } },
          }
        : a,
    );
    expect(projectViolations(fixture, items).join()).toContain('namespace kube-system not allowed by project services');
  });
  test('a root app that would re-enable auto-sync', async () => {
    const { items } = await graph('oke');
    const root = broken(rootApp('oke'), (o) => delete o.spec.ignoreDifferences).object;
    const appSet = items.map((i) =>
      i.object.kind === 'ApplicationSet' ? broken(i, (o) => delete o.spec.ignoreApplicationDifferences) : i,
    );
    const problems = rollbackBlockers(appSet, root);
    expect(problems.join('\n')).toContain('does not ignore /spec/syncPolicy/automated of child Applications');
    expect(problems.join('\n')).toContain('ApplicationSet/services does not ignore /spec/syncPolicy/automated');
  });
  test('parents that ignore the whole syncPolicy (syncOptions/retry fixes would never arrive)', async () => {
    const { items } = await graph('oke');
    const root = broken(rootApp('oke'), (o) => {
      o.spec.ignoreDifferences[0].jsonPointers = ['/spec/syncPolicy'];
    }).object;
    const appSet = items.map((i) =>
      i.object.kind === 'ApplicationSet'
        ? broken(i, (o) => {
            o.spec.ignoreApplicationDifferences[0].jsonPointers.push('/spec/syncPolicy');
          })
        : i,
    );
    const problems = rollbackBlockers(appSet, root).join('\n');
    expect(problems).toContain('Application/tasktide-root ignores /spec/syncPolicy of child Applications');
    expect(problems).toContain('ApplicationSet/services ignores /spec/syncPolicy of the Applications it generates');
  });
});
