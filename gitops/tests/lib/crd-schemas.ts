/**
 * Hand-written schemas for the custom resources that have no CRD-generated model on npm: Dapr
 * (Component, Configuration, Resiliency) and CloudNativePG (Cluster, ScheduledBackup). They cover
 * the fields tasktide uses and their documented neighbours (Dapr 1.18 docs, CloudNativePG 1.27 API
 * reference), closed against unknown fields. They are stricter than Dapr's own CRDs, whose
 * metadata values are free-form; they are not a complete transcription of CloudNativePG's CRD.
 */
import type { Schema } from './json-schema.ts';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const strings: Schema = { type: 'array', items: str };
const stringMap: Schema = { type: 'object', additionalProperties: str };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
});
const mapOf = (value: Schema): Schema => ({ type: 'object', additionalProperties: value });
const duration: Schema = { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' };
const secretKeyRef = obj({ name: str, key: str }, ['name', 'key']);
const quantityMap = mapOf({ type: ['string', 'integer'] });

const metadata = obj({ name: str, namespace: str, labels: stringMap, annotations: stringMap, finalizers: strings }, [
  'name',
]);

const resource = (apiVersion: string, kind: string, spec: Schema, extra: Record<string, Schema> = {}): Schema =>
  obj(
    {
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata,
      spec,
      ...extra,
    },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  );

const daprComponent = resource(
  'dapr.io/v1alpha1',
  'Component',
  obj(
    {
      type: {
        type: 'string',
        pattern:
          '^(pubsub|state|bindings|secretstores|configuration|lock|middleware|nameresolution|workflowbackend|conversation|cryptography)\\.[a-z0-9.]+$',
      },
      version: { type: 'string', pattern: '^v[0-9]+' },
      initTimeout: duration,
      ignoreErrors: bool,
      metadata: {
        type: 'array',
        items: obj({ name: str, value: { type: ['string', 'integer', 'boolean'] }, secretKeyRef, envRef: str }, [
          'name',
        ]),
      },
    },
    ['type', 'version'],
  ),
  { scopes: strings, auth: obj({ secretStore: str }, ['secretStore']) },
);

const daprConfiguration = resource(
  'dapr.io/v1alpha1',
  'Configuration',
  obj({
    tracing: obj({
      samplingRate: { type: 'string', pattern: '^(0|1|0?\\.[0-9]+)$' },
      stdout: bool,
      otel: obj(
        {
          endpointAddress: str,
          isSecure: bool,
          protocol: { type: 'string', enum: ['grpc', 'http'] },
          headers: str,
          timeout: duration,
        },
        ['endpointAddress'],
      ),
      zipkin: obj({ endpointAddress: str }, ['endpointAddress']),
    }),
    metrics: obj({
      enabled: bool,
      recordErrorCodes: bool,
      latencyDistributionBuckets: { type: 'array', items: int },
      rules: {
        type: 'array',
        items: obj({ name: str, labels: { type: 'array', items: obj({ name: str, regex: stringMap }) } }),
      },
      http: obj({ increasedCardinality: bool, pathMatching: strings, excludeVerbs: bool }),
    }),
    mtls: obj({
      enabled: bool,
      workloadCertTTL: str,
      allowedClockSkew: str,
      sentryAddress: str,
      controlPlaneTrustDomain: str,
    }),
    secrets: obj({
      scopes: {
        type: 'array',
        items: obj(
          {
            storeName: str,
            defaultAccess: { type: 'string', enum: ['allow', 'deny'] },
            allowedSecrets: strings,
            deniedSecrets: strings,
          },
          ['storeName'],
        ),
      },
    }),
    features: { type: 'array', items: obj({ name: str, enabled: bool }, ['name', 'enabled']) },
    logging: obj({ apiLogging: obj({ enabled: bool, obfuscateURLs: bool, omitHealthChecks: bool }) }),
    nameResolution: obj({
      component: str,
      version: str,
      configuration: { type: 'object', additionalProperties: true },
    }),
    api: obj({ allowed: { type: 'array' }, denied: { type: 'array' } }),
    components: obj({ deny: strings }),
  }),
);

const retry = obj(
  {
    policy: { type: 'string', enum: ['constant', 'exponential'] },
    duration,
    maxInterval: duration,
    maxRetries: { type: 'integer', minimum: -1 },
    matching: obj({ httpStatusCodes: str, gRPCStatusCodes: str }),
  },
  ['policy'],
);
const targetRef = obj({ timeout: str, retry: str, circuitBreaker: str });
const daprResiliency = resource(
  'dapr.io/v1alpha1',
  'Resiliency',
  obj(
    {
      policies: obj({
        timeouts: mapOf(duration),
        retries: mapOf(retry),
        circuitBreakers: mapOf(obj({ maxRequests: int, interval: duration, timeout: duration, trip: str }, ['trip'])),
      }),
      targets: obj({
        apps: mapOf(obj({ timeout: str, retry: str, circuitBreaker: str, circuitBreakerCacheSize: int })),
        actors: mapOf(
          obj({
            timeout: str,
            retry: str,
            circuitBreaker: str,
            circuitBreakerScope: str,
            circuitBreakerCacheSize: int,
          }),
        ),
        components: mapOf(obj({ outbound: targetRef, inbound: targetRef })),
      }),
    },
    ['policies', 'targets'],
  ),
  { scopes: strings },
);

const cnpgCluster = resource(
  'postgresql.cnpg.io/v1',
  'Cluster',
  obj(
    {
      instances: { type: 'integer', minimum: 1 },
      imageName: { type: 'string', pattern: ':[0-9]+(\\.[0-9]+)*' },
      storage: obj({ size: { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' }, storageClass: str }, ['size']),
      bootstrap: obj({
        initdb: obj({ database: str, owner: str, secret: obj({ name: str }, ['name']) }),
        recovery: obj({ source: str, recoveryTarget: obj({ targetTime: str }) }),
      }),
      externalClusters: {
        type: 'array',
        items: obj({ name: str, barmanObjectStore: { type: 'object', additionalProperties: true } }, ['name']),
      },
      postgresql: obj({ parameters: stringMap }),
      resources: obj({ requests: quantityMap, limits: quantityMap }),
      inheritedMetadata: obj({ labels: stringMap, annotations: stringMap }),
      backup: obj({
        retentionPolicy: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
        barmanObjectStore: obj(
          {
            destinationPath: { type: 'string', pattern: '^s3://' },
            endpointURL: { type: 'string', pattern: '^https://' },
            s3Credentials: obj({ accessKeyId: secretKeyRef, secretAccessKey: secretKeyRef }, [
              'accessKeyId',
              'secretAccessKey',
            ]),
            wal: obj({ compression: { type: 'string', enum: ['gzip', 'bzip2', 'snappy'] }, maxParallel: int }),
            data: obj({ compression: { type: 'string', enum: ['gzip', 'bzip2', 'snappy'] }, jobs: int }),
          },
          ['destinationPath'],
        ),
      }),
    },
    ['instances', 'storage'],
  ),
);

const cnpgScheduledBackup = resource(
  'postgresql.cnpg.io/v1',
  'ScheduledBackup',
  obj(
    {
      // CloudNativePG's cron has six fields: seconds first.
      schedule: { type: 'string', pattern: '^\\S+( \\S+){5}$' },
      cluster: obj({ name: str }, ['name']),
      backupOwnerReference: { type: 'string', enum: ['none', 'self', 'cluster'] },
      immediate: bool,
      suspend: bool,
      method: { type: 'string', enum: ['barmanObjectStore', 'volumeSnapshot', 'plugin'] },
    },
    ['schedule', 'cluster'],
  ),
);

/** apiVersion/kind -> schema. */
export const handWrittenSchemas: Record<string, Schema> = {
  'dapr.io/v1alpha1/Component': daprComponent,
  'dapr.io/v1alpha1/Configuration': daprConfiguration,
  'dapr.io/v1alpha1/Resiliency': daprResiliency,
  'postgresql.cnpg.io/v1/Cluster': cnpgCluster,
  'postgresql.cnpg.io/v1/ScheduledBackup': cnpgScheduledBackup,
};
