import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { localResiliency } from './resiliency.ts';

export interface LocalResourceOptions {
  kafkaBrokers: string[];
  /** Postgres URL for the state store (Dapr creates its own tables). */
  stateStoreUrl: string;
  /** JSON file backing secretstores.local.file. */
  secretsFile: string;
  /** SQLite file shared by every sidecar for name resolution (no mDNS here). */
  nameResolutionFile: string;
  /** Retries of a failing delivery before Dapr sends it to the dead-letter topic (3 by default). */
  deliveryRetries?: number;
  /** OTLP/HTTP endpoint for traces; sampling is off without one. */
  otlpEndpoint?: string;
  /** Apps that get the reminder sweep binding (the recurrence sweep is always the recurrence app's). */
  cronApps?: string[];
  /** Schedule of both sweep bindings (every minute by default; tests run them more often). */
  sweepSchedule?: string;
  /**
   * The secret scope of the Configuration, as in the clusters: daprd serves only these secrets of
   * `secretstore` (defaultAccess deny). Unset: no scope, every secret of the file is served.
   */
  allowedSecrets?: string[];
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
    // Multi-valued like the clusters' Kubernetes store: `{"api-secrets": {"JWT_SECRET": …}}` is one
    // secret with keys, read with one GET, and a top-level string is a secret with one key.
    'secretstore.yaml': component('secretstore', 'secretstores.local.file', {
      secretsFile: o.secretsFile,
      nestedSeparator: '.',
      multiValued: 'true',
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
    // The clusters' policy set with a short local overlay (resiliency.ts).
    'resiliency.yaml': localResiliency({ deliveryRetries: o.deliveryRetries }),
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
        ...(o.allowedSecrets
          ? {
              secrets: {
                scopes: [{ storeName: 'secretstore', defaultAccess: 'deny', allowedSecrets: o.allowedSecrets }],
              },
            }
          : {}),
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
