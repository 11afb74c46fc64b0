import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './process.ts';

/** The clusters' Resiliency: the one policy set both platforms run. */
export const clusterResiliencyFile = join(repoRoot, 'gitops/platform/dapr/tasktide-resiliency.yaml');

// biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, checked by the GitOps schema tests
type Manifest = Record<string, any>;

export function clusterResiliency(): Manifest {
  return parse(readFileSync(clusterResiliencyFile, 'utf8'));
}

/**
 * Everything the local platform changes in the cluster policy set — nothing else may differ (the
 * drift test in resiliency.test.ts holds it to this list):
 * - no namespace: self-hosted daprd has none;
 * - fewer delivery retries: a poison message reaches its `-dlq` topic in ~3 s instead of ~25 s,
 *   which the real-stack tier and `bun run dev:dapr` wait for on every DLQ path.
 */
export const localResiliencyOverlay = ['metadata.namespace', 'spec.policies.retries.deliveryRetries.maxRetries'];

/** The Resiliency for local daprd: the cluster file with the overlay above applied. */
export function localResiliency(o: { deliveryRetries?: number } = {}): Manifest {
  const doc = clusterResiliency();
  delete doc.metadata.namespace;
  doc.spec.policies.retries.deliveryRetries.maxRetries = o.deliveryRetries ?? 3;
  return doc;
}

/**
 * Paths (dotted) where `local` differs from `cluster`, leaving out the overlay's: empty when the
 * local policy set is the cluster's.
 */
export function resiliencyDrift(local: unknown, cluster: unknown, allowed = localResiliencyOverlay): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (allowed.includes(path)) return;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) walk((a as Manifest)[k], (b as Manifest)[k], path ? `${path}.${k}` : k);
    } else if (a !== b) out.push(path);
  };
  walk(local, cluster, '');
  return out;
}
