// Offline tier: the OKE Always Free budget. OpenTofu cannot run here, so the figures it would apply
// (node shape in clusters/oke/tofu/variables.tf) and every block volume the OKE overlays request are
// added up against Oracle's limits: 4 OCPU, 24 GB memory, 200 GB block storage including boot
// volumes, where each volume is billed at no less than 50 GB.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, YAML } from './lib/deps.ts';
import type { Loose } from './lib/fixtures.ts';
import { handWrittenManifests } from './lib/manifests.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The `default` of a numeric variable in variables.tf. */
function tfDefault(name: string): number {
  const block = read('clusters/oke/tofu/variables.tf').match(new RegExp(`variable "${name}" \\{[\\s\\S]*?\\n\\}`))?.[0];
  const value = block?.match(/default\s*=\s*([0-9]+)/)?.[1];
  if (!value) throw new Error(`variables.tf: no numeric default for ${name}`);
  return Number(value);
}

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

function okeVolumes(): Record<string, string> {
  const pg = handWrittenManifests().find(
    ({ source, object }) => source.startsWith('clusters/oke/') && object.kind === 'Cluster',
  )!.object as Loose;
  return {
    'node boot volumes': `${tfDefault('boot_volume_gbs') * tfDefault('node_count')}Gi`,
    'postgres (CloudNativePG)': pg.spec.storage.size,
    redpanda: merged('redpanda').storage.persistentVolume.size,
    'dapr scheduler': merged('dapr').dapr_scheduler.cluster.storageSize,
  };
}

describe('OKE Always Free budget', () => {
  test('the node pool stays within 4 OCPU and 24 GB', () => {
    expect(tfDefault('node_count') * tfDefault('node_ocpus')).toBeLessThanOrEqual(4);
    expect(tfDefault('node_count') * tfDefault('node_memory_gbs')).toBeLessThanOrEqual(24);
  });

  test('boot volumes and every PVC (billed at 50 GB minimum) fit 200 GB', () => {
    const volumes = okeVolumes();
    const total = Object.values(volumes).reduce((sum, size) => sum + billed(size), 0);
    expect(total).toBeLessThanOrEqual(200);
  });

  test('monitoring keeps no PVC on OKE (the block budget is spent on data)', () => {
    expect(merged('kube-prometheus-stack').prometheus.prometheusSpec.storageSpec).toBeUndefined();
    expect(merged('loki').singleBinary.persistence.enabled).toBe(false);
  });

  test('catches a broken fixture: one more 10 GB volume tips it over', () => {
    const total = Object.values({ ...okeVolumes(), extra: '10Gi' }).reduce((sum, size) => sum + billed(size), 0);
    expect(total).toBeGreaterThan(200);
  });
});
