import { describe, expect, test } from 'bun:test';
import { clusterResiliency, localResiliencyOverlay, resiliencyDrift } from './resiliency.ts';
import { localResources } from './resources.ts';

const local = () =>
  localResources({
    kafkaBrokers: ['127.0.0.1:9092'],
    stateStoreUrl: 'postgres://localhost/x',
    secretsFile: '/tmp/s.json',
    nameResolutionFile: '/tmp/n.db',
  })['resiliency.yaml'];

describe('one resiliency policy set for the clusters and the local platform', () => {
  test('the local Resiliency is the cluster file, changed only where the overlay says', () => {
    expect(resiliencyDrift(local(), clusterResiliency())).toEqual([]);
  });

  test('drift outside the overlay is reported, path by path', () => {
    const drifted = structuredClone(local()) as ReturnType<typeof clusterResiliency>;
    drifted.spec.policies.retries.invokeRetries.maxRetries = 8;
    delete drifted.spec.targets.apps.api.circuitBreaker;
    expect(resiliencyDrift(drifted, clusterResiliency())).toEqual([
      'spec.policies.retries.invokeRetries.maxRetries',
      'spec.targets.apps.api.circuitBreaker',
    ]);
  });

  test('the overlay only makes poison messages leave sooner, and names paths that exist', () => {
    const cluster = clusterResiliency();
    const at = (doc: unknown, path: string) =>
      path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
    for (const path of localResiliencyOverlay) expect(at(cluster, path)).toBeDefined();
    expect(at(local(), 'spec.policies.retries.deliveryRetries.maxRetries')).toBeLessThan(
      at(cluster, 'spec.policies.retries.deliveryRetries.maxRetries') as number,
    );
  });
});
