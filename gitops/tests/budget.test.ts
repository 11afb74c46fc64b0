// Offline tier: the OKE Always Free budget. `tofu plan` cannot run here (the OCI provider cannot be
// obtained), so the figures it would apply are read from clusters/oke/tofu by a real HCL parser
// (scripts/platform/tofu/config.ts), and every block volume the OKE overlays request is added up
// against Oracle's limits: A1.Flex only, 4 OCPU, 24 GB memory, 200 GB block storage including boot
// volumes (each volume billed at no less than 50 GB), one flexible load balancer at 10 Mbps.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { okeNodePools } from '../../scripts/platform/tofu/config.ts';
import { repoRoot, YAML } from './lib/deps.ts';
import type { Loose } from './lib/fixtures.ts';
import { handWrittenManifests } from './lib/manifests.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** Node pools as OpenTofu would create them with the variables' defaults. */
const pools = await okeNodePools(join(repoRoot, 'clusters/oke/tofu'));

const gib = (size: string) => {
  const m = size.match(/^([0-9.]+)(Gi|G)$/);
  if (!m) throw new Error(`unexpected size ${size}`);
  return Number(m[1]);
};
/** OCI block volumes are 50 GB minimum: what a PVC of `size` costs from the budget. */
const billed = (size: string) => Math.max(50, Math.ceil(gib(size)));

function merged(component: string): Loose {
  const base = YAML.parse(read(`gitops/platform/values/${component}.yaml`)) ?? {};
  const overlay = YAML.parse(read(`clusters/oke/values/platform/${component}.yaml`)) ?? {};
  const merge = (a: Loose, b: Loose): Loose =>
    b && typeof b === 'object' && !Array.isArray(b) && a && typeof a === 'object'
      ? Object.fromEntries(
          [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]),
        )
      : (b ?? a);
  return merge(base, overlay);
}

/**
 * The Dapr 1.18 chart runs three scheduler replicas whatever the values say (the cluster tier,
 * scripts/cluster, renders the real chart and fails if that changes); each gets its own volume
 * unless the scheduler keeps its data in memory.
 */
const DAPR_SCHEDULER_REPLICAS = 3;

/** Every block volume OKE would bill, by what asks for it (a list: one entry per volume). */
function okeVolumes(): [string, string][] {
  const pg = handWrittenManifests().find(
    ({ source, object }) => source.startsWith('clusters/oke/') && object.kind === 'Cluster',
  )!.object as Loose;
  const scheduler = merged('dapr').dapr_scheduler.cluster;
  const volumes: [string, string][] = [
    ...pools.flatMap((pool) =>
      Array.from({ length: pool.nodes }, (_, i): [string, string] => [
        `${pool.name} node ${i + 1} boot volume`,
        `${pool.bootVolumeGbs}Gi`,
      ]),
    ),
    ...Array.from({ length: Number(pg.spec.instances ?? 1) }, (_, i): [string, string] => [
      `postgres instance ${i + 1} (CloudNativePG)`,
      pg.spec.storage.size,
    ]),
    ...Array.from({ length: merged('redpanda').statefulset.replicas }, (_, i): [string, string] => [
      `redpanda broker ${i + 1}`,
      merged('redpanda').storage.persistentVolume.size,
    ]),
  ];
  if (!scheduler.inMemoryStorage) {
    for (let i = 0; i < DAPR_SCHEDULER_REPLICAS; i++)
      volumes.push([`dapr scheduler ${i}`, scheduler.storageSize ?? '16Gi']); // the chart's default
  }
  return volumes;
}
const totalBilled = (volumes: [string, string][]) => volumes.reduce((sum, [, size]) => sum + billed(size), 0);

describe('OKE Always Free budget', () => {
  test('the node pools are Ampere A1.Flex and stay within 4 OCPU and 24 GB in total', () => {
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools) expect(pool.shape).toBe('VM.Standard.A1.Flex');
    expect(pools.reduce((t, p) => t + p.nodes * p.ocpus, 0)).toBeLessThanOrEqual(4);
    expect(pools.reduce((t, p) => t + p.nodes * p.memoryGbs, 0)).toBeLessThanOrEqual(24);
  });

  test('one flexible load balancer (Traefik), 10 Mbps minimum and maximum', () => {
    const service = merged('traefik').service;
    const a = service.annotations;
    expect(service.type).toBe('LoadBalancer');
    expect(a['service.beta.kubernetes.io/oci-load-balancer-shape']).toBe('flexible');
    expect(Number(a['service.beta.kubernetes.io/oci-load-balancer-shape-flex-min'])).toBeLessThanOrEqual(10);
    expect(Number(a['service.beta.kubernetes.io/oci-load-balancer-shape-flex-max'])).toBeLessThanOrEqual(10);
  });

  test('boot volumes and every PVC (billed at 50 GB minimum, one per replica) fit 200 GB', () => {
    const volumes = okeVolumes();
    console.log(volumes.map(([what, size]) => `${what}: ${size} -> ${billed(size)} GB`).join('\n'));
    expect(totalBilled(volumes)).toBeLessThanOrEqual(200);
  });

  test('monitoring keeps no PVC on OKE (the block budget is spent on data)', () => {
    expect(merged('kube-prometheus-stack').prometheus.prometheusSpec.storageSpec).toBeUndefined();
    expect(merged('loki').singleBinary.persistence.enabled).toBe(false);
  });

  test('catches a broken fixture: two more 10 GB volumes (billed 50 GB each) tip it over', () => {
    expect(totalBilled([...okeVolumes(), ['extra 1', '10Gi'], ['extra 2', '10Gi']])).toBeGreaterThan(200);
  });

  test('catches a broken fixture: a persistent Dapr scheduler on OKE costs three volumes', () => {
    const volumes = okeVolumes();
    for (let i = 0; i < DAPR_SCHEDULER_REPLICAS; i++) volumes.push([`dapr scheduler ${i}`, '1Gi']);
    expect(totalBilled(volumes)).toBeGreaterThan(200);
  });
});
