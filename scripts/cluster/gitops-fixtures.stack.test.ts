// The cluster tier must fail on a broken change, with a message naming the resource: one fixture per
// failure class of issue #16, each a small mutation of the real thing (our values, the real charts)
// on a control plane shaped like OKE. Runs when TASKTIDE_KUBE=1.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControlPlane, startControlPlane } from './control-plane.ts';
import { type AppPlan, type Desired, desiredState } from './tier/desired.ts';
import { waitHealthy } from './tier/health.ts';
import { apply } from './tier/kube.ts';
import { type RolloutStandIn, startRolloutStandIn } from './tier/rollouts.ts';
import { SHAPES } from './tier/shapes.ts';
import { standIns } from './tier/standins.ts';
import { createStorageClass, type Provisioner, startProvisioner } from './tier/storage.ts';
import { newTier, renderEnv, syncApp, type Tier } from './tier/sync.ts';
import { ignoredValues } from './tier/values.ts';

const enabled = process.env.TASKTIDE_KUBE === '1';
const shape = SHAPES.oke;

describe.skipIf(!enabled)('the cluster tier fails on broken changes, naming the resource', () => {
  let dir = '';
  let cp: ControlPlane | undefined;
  let tier: Tier;
  let desired: Desired;
  let provisioner: Provisioner | undefined;
  let rollouts: RolloutStandIn | undefined;
  const app = (name: string) => desired.apps.find((a) => a.name === name)!;
  /** The Application with extra chart values on top of ours (a fixture's broken change). */
  const withValues = (plan: AppPlan, extraValues: Record<string, unknown>): AppPlan => {
    if (!('helm' in plan.source)) throw new Error(`${plan.name} has no chart`);
    return { ...plan, source: { ...plan.source, helm: { ...plan.source.helm, extraValues } } };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasktide-gitops-fixtures-'));
    cp = await startControlPlane({ dir, nodes: shape.nodes });
    tier = await newTier(cp, join(dir, 'logs'));
    await createStorageClass(cp, shape);
    provisioner = startProvisioner(cp, shape);
    rollouts = startRolloutStandIn(cp); // the api is a Rollout: its ReplicaSet makes the pods
    desired = await desiredState('oke', await renderEnv(tier));
    await syncApp(tier, app('namespaces'));
  }, 900_000);

  afterAll(async () => {
    await rollouts?.stop();
    await tier?.injector?.stop();
    await provisioner?.stop();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a CRD too large for client-side apply (External Secrets without ServerSideApply)', async () => {
    const broken = { ...app('external-secrets'), serverSideApply: false };
    const err = await syncApp(tier, broken).then(
      () => undefined,
      (e: Error) => e.message,
    );
    console.log(`fixture: ${err?.split('\n').slice(0, 3).join(' | ')}`);
    expect(err).toContain('Application external-secrets');
    expect(err).toContain('clustersecretstores.external-secrets.io');
    expect(err).toMatch(/Too long: may not be (more than|longer than) 262144 bytes/);
    // The fix (ServerSideApply=true, as gitops/apps/values.yaml has it) syncs.
    await syncApp(tier, app('external-secrets'));
  }, 180_000);

  test('a pod its namespace refuses: the injected daprd keeps its capabilities under `restricted`', async () => {
    await syncApp(tier, app('kube-prometheus-stack')); // ServiceMonitor CRD for the service chart
    await syncApp(tier, app('argo-rollouts')); // the api's Rollout and AnalysisTemplate CRDs
    await syncApp(tier, withValues(app('dapr'), { dapr_sidecar_injector: { sidecarDropALLCapabilities: false } }));
    const err = await syncApp(tier, app('api')).then(
      () => undefined,
      (e: Error) => e.message,
    );
    console.log(`fixture: ${err?.split('\n')[0]}`);
    expect(err).toContain('Rollout todo-app/api cannot become healthy');
    expect(err).toContain('violates PodSecurity "restricted:latest"');
    expect(err).toMatch(/container "daprd" must set securityContext\.capabilities\.drop=\["ALL"\]/);
  }, 240_000);

  test('a pod its namespace refuses: node-exporter in `monitoring` (baseline)', async () => {
    const [daemonSet] = standIns(app('kube-prometheus-stack'));
    const inMonitoring = { ...daemonSet!, metadata: { ...daemonSet!.metadata, namespace: 'monitoring' } };
    await apply(cp!, [inMonitoring], 'server-side', { who: 'fixture' });
    const err = await waitHealthy(cp!, tier.disc, [inMonitoring], {
      who: 'node-exporter in monitoring',
      timeoutMs: 60_000,
    }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    console.log(`fixture: ${err?.split('\n')[0]}`);
    expect(err).toContain('DaemonSet monitoring/kube-prometheus-stack-prometheus-node-exporter cannot become healthy');
    expect(err).toContain('violates PodSecurity "baseline:latest"');
    expect(err).toMatch(/host namespaces|hostPath volumes/);
  }, 120_000);

  test('a quota overrun: a persistent Dapr scheduler on OKE (3 x 50 GB > the dapr-system quota)', async () => {
    // StatefulSet volume templates are immutable: start from none, as on a first install.
    await cp!.kubectl(['delete', 'statefulset', '-n', 'dapr-system', 'dapr-scheduler-server', '--wait=true']);
    const persistent = withValues(app('dapr'), {
      dapr_scheduler: { cluster: { inMemoryStorage: false, storageSize: '50Gi' } },
    });
    const err = await syncApp(tier, persistent).then(
      () => undefined,
      (e: Error) => e.message,
    );
    console.log(`fixture: ${err?.split('\n')[0]}`);
    expect(err).toContain('StatefulSet dapr-system/dapr-scheduler-server cannot become healthy');
    expect(err).toContain('exceeded quota: dapr-system-quota');
  }, 240_000);

  test('a chart value the chart ignores: dapr_scheduler.replicaCount', async () => {
    const plan = withValues(app('dapr'), { dapr_scheduler: { replicaCount: 1 } });
    if (!('helm' in plan.source)) throw new Error('dapr has no chart');
    const ignored = await ignoredValues(plan.source.helm, await renderEnv(tier));
    console.log(`fixture: ignored by the dapr chart: ${ignored.join(', ')}`);
    expect(ignored).toEqual(['dapr_scheduler.replicaCount=1']);
  }, 120_000);
});
