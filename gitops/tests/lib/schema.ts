/**
 * Validates an object against its schema and rejects unknown fields.
 *
 * - Core kinds: kubernetes-models. CRDs of Argo CD, Argo Rollouts, cert-manager, External Secrets,
 *   KEDA, prometheus-operator and Traefik: their CRD-generated @kubernetes-models packages.
 *   Those validators (ajv, compiled) accept unknown fields, so the object is wrapped in a Proxy that
 *   records which properties the validator reads: a compiled validator reads every property its
 *   schema declares on an object (present or not), so a key it never read is not in the schema.
 *   Objects it reads nothing from are free-form (labels, Helm values) and are skipped.
 * - Dapr and CloudNativePG: hand-written schemas (crd-schemas.ts), closed by construction.
 * - Anything else has no schema and fails: a new kind must bring its schema along.
 */
import { handWrittenSchemas } from './crd-schemas.ts';
import { importModel } from './deps.ts';
import { validateSchema } from './json-schema.ts';
import type { K8sObject } from './manifests.ts';

const modelPackages: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd/argoproj.io',
  'cert-manager.io': '@kubernetes-models/cert-manager/cert-manager.io',
  'external-secrets.io': '@kubernetes-models/external-secrets/external-secrets.io',
  'keda.sh': '@kubernetes-models/keda/keda.sh',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com',
  'traefik.io': '@kubernetes-models/traefik/traefik.io',
};

/**
 * Fields a generated validator declares without any constraint, so it never reads them; found by
 * running the check over this repository. Keep this list short and exact.
 */
// Argo Rollouts shares the argoproj.io group with Argo CD: its kinds come from their own package.
const rolloutsKinds = new Set(['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment']);
const rolloutsPackage = '@kubernetes-models/argo-rollouts/argoproj.io';

const unconstrainedFields: Record<string, string[]> = {
  'argoproj.io/v1alpha1/AppProject': ['/spec/description'],
};

type ModelClass = { prototype: { validate(this: unknown): void } };

function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}`;
  if (group === 'argoproj.io' && rolloutsKinds.has(kind)) return `${rolloutsPackage}/${version}`;
  const pkg = modelPackages[group!];
  if (pkg) return `${pkg}/${version}`;
  if (!group!.includes('.') || group!.endsWith('.k8s.io')) return `kubernetes-models/${group}/${version}`;
  throw new Error(`no model package for ${apiVersion}`);
}

const modules = new Map<string, Promise<Record<string, unknown> | undefined>>();

async function findModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let mod: string;
  try {
    mod = modelModule(apiVersion, kind);
  } catch {
    return undefined;
  }
  if (!modules.has(mod))
    modules.set(
      mod,
      importModel(mod).catch(() => undefined),
    );
  return (await modules.get(mod))?.[kind] as ModelClass | undefined;
}

/** Wraps `root` so every property read is recorded; `unknown()` lists keys never read. */
function trackReads(root: object) {
  const reads = new Map<object, Set<PropertyKey>>();
  const paths = new Map<object, string>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const existing = proxies.get(value);
    if (existing) return existing;
    reads.set(value, new Set());
    paths.set(value, path);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        reads.get(target)!.add(key);
        const child = Reflect.get(target, key, receiver);
        return typeof key === 'string' ? wrap(child, `${path}/${key}`) : child;
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return {
    proxy: wrap(root, '') as object,
    unknown(): string[] {
      const out: string[] = [];
      for (const [target, keys] of reads) {
        if (Array.isArray(target) || keys.size === 0) continue;
        for (const key of Object.keys(target))
          if (!keys.has(key)) out.push(`${paths.get(target)}/${key}: unknown field`);
      }
      return out;
    },
  };
}

/** Problems with one object: schema violations and unknown fields, empty when valid. */
export async function validateObject(object: K8sObject): Promise<string[]> {
  const id = `${object.apiVersion}/${object.kind}`;
  const schema = handWrittenSchemas[id];
  if (schema) return validateSchema(schema, object);
  const Model = await findModel(object.apiVersion, object.kind);
  if (!Model) return [`no schema for ${id}`];
  const tracked = trackReads(structuredClone(object));
  try {
    Model.prototype.validate.call(tracked.proxy);
  } catch (err) {
    return [(err as Error).message];
  }
  const allowed = unconstrainedFields[id] ?? [];
  return tracked.unknown().filter((problem) => !allowed.some((field) => problem === `${field}: unknown field`));
}
