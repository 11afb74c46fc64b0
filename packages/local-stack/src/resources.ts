import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface LocalResourceOptions {
  kafkaBrokers: string[];
  /** Postgres URL for the state store (Dapr creates its own tables). */
  stateStoreUrl: string;
  /** JSON file backing secretstores.local.file. */
  secretsFile: string;
  /** SQLite file shared by every sidecar for name resolution (no mDNS here). */
  nameResolutionFile: string;
  /** Retries of a failing delivery before Dapr sends it to the dead-letter topic. */
  deliveryRetries?: number;
  deliveryRetryInterval?: string;
  /** OTLP/HTTP endpoint for traces; sampling is off without one. */
  otlpEndpoint?: string;
  /** Apps that get the reminder sweep binding (the recurrence sweep is always the recurrence app's). */
  cronApps?: string[];
  /** Schedule of both sweep bindings (every minute by default; tests run them more often). */
  sweepSchedule?: string;
}

const component = (
  name: string,
  type: string,
  metadata: Record<string, string>,
  extra: Record<string, unknown> = {},
) => ({
  apiVersion: 'dapr.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: {
    type,
    version: 'v1',
    metadata: Object.entries(metadata).map(([name, value]) => ({ name, value })),
    ...(extra.spec as object),
  },
  ...(extra.scopes ? { scopes: extra.scopes } : {}),
});

/**
 * The Dapr resources of the local platform — the same building blocks as the clusters (see
 * gitops/platform), with local addresses: Kafka in plaintext, Postgres state, a file secret store,
 * the cron sweep binding, resiliency, and a Configuration with SQLite name resolution.
 */
export function localResources(o: LocalResourceOptions): Record<string, unknown> {
  const retries = o.deliveryRetries ?? 3;
  return {
    'pubsub.yaml': component('pubsub', 'pubsub.kafka', {
      brokers: o.kafkaBrokers.join(','),
      authType: 'none',
      initialOffset: 'oldest',
      maxMessageBytes: '1048576',
      consumeRetryInterval: '200ms',
    }),
    'pubsub-realtime.yaml': component(
      'pubsub-realtime',
      'pubsub.kafka',
      // Every realtime replica must see every update: its own consumer group per process.
      { brokers: o.kafkaBrokers.join(','), authType: 'none', initialOffset: 'newest', consumerID: '{uuid}' },
      { scopes: ['realtime'] },
    ),
    'statestore.yaml': {
      ...component('statestore', 'state.postgresql', { connectionString: o.stateStoreUrl, tablePrefix: 'dapr_' }),
      spec: {
        type: 'state.postgresql',
        version: 'v2',
        metadata: [
          { name: 'connectionString', value: o.stateStoreUrl },
          { name: 'tablePrefix', value: 'dapr_' },
        ],
      },
    },
    'secretstore.yaml': component('secretstore', 'secretstores.local.file', {
      secretsFile: o.secretsFile,
      nestedSeparator: '.',
    }),
    'reminder-sweep.yaml': component(
      'reminder-sweep',
      'bindings.cron',
      // direction input: otherwise daprd probes OPTIONS /reminder-sweep and skips the binding on 404.
      { schedule: o.sweepSchedule ?? '@every 1m', direction: 'input' },
      { scopes: o.cronApps ?? ['notifier'] },
    ),
    'recurrence-sweep.yaml': component(
      'recurrence-sweep',
      'bindings.cron',
      { schedule: o.sweepSchedule ?? '@every 1m', direction: 'input' },
      { scopes: ['recurrence'] },
    ),
    'resiliency.yaml': {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: { name: 'tasktide' },
      spec: {
        policies: {
          timeouts: { invoke: '5s', publish: '10s' },
          retries: {
            delivery: {
              policy: 'exponential',
              initialInterval: o.deliveryRetryInterval ?? '200ms',
              maxInterval: '5s',
              maxRetries: retries,
            },
            invoke: { policy: 'exponential', initialInterval: '100ms', maxInterval: '2s', maxRetries: 3 },
            publish: { policy: 'exponential', initialInterval: '100ms', maxInterval: '2s', maxRetries: 2 },
          },
          circuitBreakers: {
            api: { maxRequests: 1, interval: '10s', timeout: '20s', trip: 'consecutiveFailures > 5' },
          },
        },
        targets: {
          apps: { api: { timeout: 'invoke', retry: 'invoke', circuitBreaker: 'api' } },
          components: {
            pubsub: { inbound: { retry: 'delivery' }, outbound: { retry: 'publish', timeout: 'publish' } },
            'pubsub-realtime': { inbound: { retry: 'delivery' } },
          },
        },
      },
    },
    'config.yaml': {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: { name: 'tasktide' },
      spec: {
        nameResolution: {
          component: 'sqlite',
          version: 'v1',
          configuration: { connectionString: o.nameResolutionFile },
        },
        tracing: o.otlpEndpoint
          ? { samplingRate: '1', otel: { endpointAddress: o.otlpEndpoint, isSecure: false, protocol: 'http' } }
          : { samplingRate: '0' },
        metric: { enabled: true, http: { increasedCardinality: false } },
        features: [],
      },
    },
  };
}

/** Writes the resources: components into `<dir>/components`, the Configuration to `<dir>/config.yaml`. */
export function writeLocalResources(dir: string, o: LocalResourceOptions) {
  const components = join(dir, 'components');
  mkdirSync(components, { recursive: true });
  for (const [file, doc] of Object.entries(localResources(o))) {
    writeFileSync(join(file === 'config.yaml' ? dir : components, file), stringify(doc));
  }
  return { resourcesPath: components, configPath: join(dir, 'config.yaml') };
}
