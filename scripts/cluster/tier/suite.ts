import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeObtained } from '../../platform/charts/obtain.ts';
import { type ControlPlane, startControlPlane } from '../control-plane.ts';
import { type Desired, desiredState } from './desired.ts';
import { parseObjects } from './objects.ts';
import { allPods, nodeUse, podProblems, quotaUse } from './report.ts';
import { reserveSystemCapacity } from './reserved.ts';
import { type RolloutStandIn, startRolloutStandIn } from './rollouts.ts';
import { SHAPES } from './shapes.ts';
import { createStorageClass, type Provisioner, startProvisioner } from './storage.ts';
import { installArgoCd, newTier, renderEnv, type SyncResult, syncApp, type Tier } from './sync.ts';
import { ignoredValues, mergedValues } from './values.ts';

/** The charts the tier must render for real; losing one of them must fail the tier, not shrink it. */
export const MUST_RENDER = ['dapr', 'cert-manager', 'external-secrets'];

/**
 * The cluster tier for one overlay: a real control plane with nodes of the target's shape, onto
 * which everything Argo CD would sync from git is applied the way Argo CD applies it.
 */
export function defineClusterTier(cluster: 'minikube' | 'oke') {
  const enabled = process.env.TASKTIDE_KUBE === '1';
  const shape = SHAPES[cluster];

  describe.skipIf(!enabled)(`GitOps on a control plane shaped like ${cluster}`, () => {
    let dir = '';
    let cp: ControlPlane | undefined;
    let tier: Tier;
    let desired: Desired;
    let provisioner: Provisioner | undefined;
    let rollouts: RolloutStandIn | undefined;
    const synced: SyncResult[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `tasktide-gitops-${cluster}-`));
      cp = await startControlPlane({ dir, nodes: shape.nodes });
      tier = await newTier(cp, join(dir, 'logs'));
      await createStorageClass(cp, shape);
      provisioner = startProvisioner(cp, shape);
      rollouts = startRolloutStandIn(cp);
      await reserveSystemCapacity(cp, shape);
      desired = await desiredState(cluster, await renderEnv(tier));
    }, 900_000); // a cold machine builds etcd, Kubernetes, kwok and the Dapr injector first

    afterAll(async () => {
      await rollouts?.stop();
      await tier?.injector?.stop();
      await provisioner?.stop();
      await cp?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('third-party charts: rendered where the Go module proxy has them, named where not', () => {
      const lines = desired.apps.flatMap((a) =>
        'helm' in a.source && a.source.obtained ? [a.source.obtained] : 'crds' in a.source ? [a.source.crds] : [],
      );
      console.log(
        `[${cluster}] third-party releases:\n${[...lines, desired.argocd.crds].map(describeObtained).join('\n')}`,
      );
      const rendered = desired.apps.filter((a) => 'helm' in a.source && a.source.obtained).map((a) => a.name);
      expect(rendered.sort()).toEqual([...MUST_RENDER].sort());
    });

    test('Argo CD: its CRDs, our settings, the root Application and the Applications it renders are accepted', async () => {
      const crds = desired.argocd.crds.crds.flatMap((f) => parseObjects(readFileSync(f, 'utf8'), f));
      await installArgoCd(tier, crds, desired.argocd.objects);
      const apps = await cp!.kubectl(['get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'name']);
      // The platform Applications plus the root itself (the services come from the ApplicationSet).
      expect(apps.stdout.trim().split('\n').length).toBe(desired.apps.filter((a) => a.wave < 10).length + 1);
    }, 120_000);

    test('every Application syncs in wave order: accepted, admitted, within quota, healthy', async () => {
      for (const app of desired.apps) {
        const result = await syncApp(tier, app);
        synced.push(result);
        const extras = [
          result.hooks && `${result.hooks} hooks`,
          result.standIns.length && `stand-in ${result.standIns.join(', ')}`,
          app.missing && `NOT SIMULATED: ${app.missing}`,
        ].filter(Boolean);
        console.log(
          `[${cluster}] wave ${String(app.wave).padStart(3)} ${app.name.padEnd(22)} ${result.mode.padEnd(11)} ${result.applied} objects${extras.length ? `; ${extras.join('; ')}` : ''}`,
        );
      }
      expect(synced.map((s) => s.app)).toEqual(desired.apps.map((a) => a.name));
    }, 900_000);

    test('no value in our values files is ignored by its chart (rendered with every API the cluster now serves)', async () => {
      const env = await renderEnv(tier);
      const problems: string[] = [];
      for (const app of desired.apps) {
        if (!('helm' in app.source)) continue;
        for (const value of await ignoredValues(app.source.helm, env)) {
          problems.push(`Application ${app.name}: ${value} changes nothing the chart renders`);
        }
      }
      expect(problems).toEqual([]);
    }, 300_000);

    test('every pod is scheduled and Ready (hook Jobs Succeeded); Dapr pods carry the injected daprd', async () => {
      const pods = (await allPods(cp!)).filter((p) => p.metadata.namespace !== 'kube-system');
      const services = pods.filter((p) => p.metadata.annotations?.['dapr.io/enabled'] === 'true');
      console.log(`[${cluster}] ${pods.length} pods, ${services.length} with an injected Dapr sidecar`);
      expect(podProblems(pods)).toEqual([]);
      expect(services.length).toBeGreaterThanOrEqual(5);
    });

    test('what the node and the namespace quotas hold', async () => {
      const use = await nodeUse(cp!, await allPods(cp!));
      for (const n of use) {
        console.log(
          `[${cluster}] node ${n.node}: ${n.pods} pods, requests ${n.cpuMilli}m of ${n.cpuAllocatableMilli}m CPU, ${Math.round(n.memoryMi)}Mi of ${n.memoryAllocatableMi}Mi`,
        );
        expect(n.cpuMilli).toBeLessThanOrEqual(n.cpuAllocatableMilli);
        expect(n.memoryMi).toBeLessThanOrEqual(n.memoryAllocatableMi);
      }
      for (const q of await quotaUse(cp!)) console.log(`[${cluster}] quota ${q.quota}: ${q.use}`);
    });

    if (shape.blockBudgetGi) {
      test(`block volumes (billed ≥ ${shape.minVolumeGi} GB each) fit ${shape.blockBudgetGi} GB`, () => {
        const bill = (gi: number) => Math.max(Math.ceil(gi), shape.minVolumeGi);
        const volumes: [string, number][] = [
          ['node boot volume', shape.bootVolumesGi],
          ...provisioner!
            .volumes()
            .map((v): [string, number] => [`PVC ${v.claim} (asks ${v.requestedGi}Gi)`, v.sizeGi]),
          ...notSimulatedVolumes(cluster),
        ];
        const total = volumes.reduce((t, [, gi]) => t + bill(gi), 0);
        console.log(
          `[${cluster}] block volumes:\n${volumes.map(([w, gi]) => `  ${w}: ${bill(gi)} GB`).join('\n')}\n  total ${total} of ${shape.blockBudgetGi} GB`,
        );
        expect(total).toBeLessThanOrEqual(shape.blockBudgetGi!);
      });
    }

    test('what the tier could not simulate is named', () => {
      const missing = desired.apps.filter((a) => a.missing).map((a) => `Application ${a.name}: ${a.missing}`);
      console.log(`[${cluster}] not simulated:\n${[...missing, ...tier.notes].map((l) => `  ${l}`).join('\n')}`);
      expect(missing.length + tier.notes.length).toBeGreaterThan(0);
      const standIn = [...(rollouts?.rollouts ?? [])].sort();
      console.log(
        `[${cluster}] simulated (controller not run): Argo Rollouts — Rollout × ${standIn.length} (${standIn.join(', ')}): ` +
          'the stand-in (tier/rollouts.ts) makes its ReplicaSets and writes its status; canary steps and analysis are not run',
      );
    });
  });
}

/**
 * Volumes that operators or unobtainable charts create on the real cluster but not in the tier:
 * CloudNativePG instances (the operator does not run) and the Redpanda broker (chart not obtained).
 */
export function notSimulatedVolumes(cluster: string): [string, number][] {
  const pg = parseObjects(
    readFileSync(
      join(import.meta.dir, '../../../clusters', cluster, 'platform/postgres/tasktide-pg-cluster.yaml'),
      'utf8',
    ),
    'pg',
  );
  const cnpg = pg.find((o) => o.kind === 'Cluster')!;
  const redpanda = mergedValues([
    'gitops/platform/values/redpanda.yaml',
    `clusters/${cluster}/values/platform/redpanda.yaml`,
  ]);
  const gi = (s: string) => Number(s.replace(/Gi$/, ''));
  return [
    ...Array.from({ length: cnpg.spec.instances ?? 1 }, (_, i): [string, number] => [
      `CloudNativePG instance ${i + 1} (operator not run; from ${cnpg.metadata.name}.spec.storage)`,
      gi(cnpg.spec.storage.size),
    ]),
    ...Array.from({ length: redpanda.statefulset.replicas }, (_, i): [string, number] => [
      `Redpanda broker ${i + 1} (chart not obtainable; from values)`,
      gi(redpanda.storage.persistentVolume.size),
    ]),
  ];
}
