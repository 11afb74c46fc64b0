/**
 * Policies over rendered and hand-written objects. Each returns human-readable violations (empty =
 * compliant) so a test can assert both that the repo passes and that a broken fixture does not.
 */
import { describe, type K8sObject, type Located } from './manifests.ts';

type Container = {
  name: string;
  image?: string;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type?: string };
  };
};
type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
};
type PodTemplate = { metadata?: { annotations?: Record<string, string> }; spec: PodSpec };

// Rollout: Argo Rollouts' Deployment replacement (the api's canary), held to the same rules.
const workloadKinds = new Set(['Deployment', 'Rollout', 'StatefulSet', 'DaemonSet', 'Job']);
/** Kinds that keep pods running (probes, Dapr sidecar, zero-downtime updates). */
const servingKinds = new Set(['Deployment', 'Rollout']);

function podTemplate(o: K8sObject): PodTemplate | undefined {
  if (!workloadKinds.has(o.kind)) return undefined;
  return (o.spec as { template?: PodTemplate }).template;
}

/** Pod templates of an object: a workload's, or the Jobs an AnalysisTemplate runs (run to completion). */
function podTemplates(o: K8sObject): { pod: PodTemplate; job: boolean }[] {
  if (o.kind === 'AnalysisTemplate') {
    const metrics = (o.spec as { metrics?: { provider?: { job?: { spec?: { template?: PodTemplate } } } }[] }).metrics;
    return (metrics ?? []).flatMap((m) => {
      const pod = m.provider?.job?.spec?.template;
      return pod ? [{ pod, job: true }] : [];
    });
  }
  const pod = podTemplate(o);
  return pod ? [{ pod, job: o.kind === 'Job' }] : [];
}

function eachContainer(
  items: Located[],
  check: (c: Container, pod: PodTemplate, where: string, job: boolean) => string[],
) {
  return items.flatMap(({ source, object }) =>
    podTemplates(object).flatMap(({ pod, job }) =>
      [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) =>
        check(c, pod, `${source}: ${describe(object)} container ${c.name}`, job),
      ),
    ),
  );
}

/** Long-running containers answer liveness and readiness probes (Jobs run to completion: exempt). */
export const probes = (items: Located[]) =>
  eachContainer(items, (c, _pod, where, job) => {
    if (job) return [];
    return [
      ...(c.livenessProbe ? [] : [`${where}: no livenessProbe`]),
      ...(c.readinessProbe ? [] : [`${where}: no readinessProbe`]),
    ];
  });

export const resources = (items: Located[]) =>
  eachContainer(items, (c, _pod, where) => {
    const missing = [
      ['requests', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'memory'],
    ].filter(([kind, res]) => !c.resources?.[kind as 'requests' | 'limits']?.[res!]);
    return missing.map(([kind, res]) => `${where}: no ${kind}.${res}`);
  });

export const hardening = (items: Located[]) =>
  eachContainer(items, (c, pod, where) => {
    const sc = c.securityContext ?? {};
    const problems: string[] = [];
    if (!(sc.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot)) problems.push('may run as root');
    if (sc.readOnlyRootFilesystem !== true) problems.push('root filesystem is writable');
    if (sc.allowPrivilegeEscalation !== false) problems.push('allows privilege escalation');
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push('does not drop ALL capabilities');
    if ((sc.seccompProfile?.type ?? pod.spec.securityContext?.seccompProfile?.type) !== 'RuntimeDefault') {
      problems.push('no RuntimeDefault seccomp profile');
    }
    return problems.map((p) => `${where}: ${p}`);
  });

/** Images carry an explicit tag that is not `latest`; our own images are pinned to a commit SHA. */
export const imageTags = (items: Located[]) =>
  eachContainer(items, (c, _pod, where) => {
    const image = c.image ?? '';
    const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf(':') + 1);
    if (!image.includes(':') && !image.includes('@')) return [`${where}: image ${image} has no tag`];
    if (tag === 'latest') return [`${where}: image ${image} uses latest`];
    if (image.startsWith('ghcr.io/tasktide/') && !/^[0-9a-f]{40}$/.test(tag)) {
      return [`${where}: image ${image} is not pinned to a commit SHA`];
    }
    return [];
  });

/** Every tasktide Deployment (or Rollout) runs with a Dapr sidecar configured as the services expect. */
export const daprAnnotations = (items: Located[]) =>
  items.flatMap(({ source, object }) => {
    if (!servingKinds.has(object.kind)) return [];
    const name = String(object.metadata.name);
    const annotations = podTemplate(object)?.metadata?.annotations ?? {};
    const expected: Record<string, string> = {
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': name,
      'dapr.io/app-port': '3000',
      'dapr.io/config': 'tasktide',
    };
    return Object.entries(expected)
      .filter(([key, value]) => annotations[key] !== value)
      .map(
        ([key, value]) => `${source}: ${describe(object)} needs ${key}: "${value}" (has ${annotations[key] ?? 'none'})`,
      );
  });

/** Zero-downtime rollouts: never fewer ready pods than desired during an update; a PDB per Deployment. */
export const rollouts = (items: Located[]) => {
  const pdbs = items
    .filter(({ object }) => object.kind === 'PodDisruptionBudget')
    .map(({ object }) => object.metadata.name);
  return items.flatMap(({ source, object }) => {
    if (!servingKinds.has(object.kind)) return [];
    type Update = { maxUnavailable?: number | string };
    const strategy = (object.spec as { strategy?: { rollingUpdate?: Update; canary?: Update } }).strategy;
    // A Deployment's rolling update, or a Rollout's canary (its other strategy, blue-green, is not used).
    const update = object.kind === 'Rollout' ? strategy?.canary : strategy?.rollingUpdate;
    const problems: string[] = [];
    if (update?.maxUnavailable !== 0) problems.push('maxUnavailable is not 0');
    if (!pdbs.includes(object.metadata.name)) problems.push('has no PodDisruptionBudget');
    return problems.map((p) => `${source}: ${describe(object)} ${p}`);
  });
};

function isDefaultDeny(o: K8sObject): boolean {
  const spec = o.spec as { podSelector?: object; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
  return (
    o.kind === 'NetworkPolicy' &&
    Object.keys(spec.podSelector ?? { x: 1 }).length === 0 &&
    ['Ingress', 'Egress'].every((t) => spec.policyTypes?.includes(t)) &&
    !spec.ingress?.length &&
    !spec.egress?.length
  );
}

/** Each Namespace we declare comes with a ResourceQuota, a LimitRange and a default-deny policy. */
export const namespaceGuards = (items: Located[]) => {
  const objects = items.map(({ object }) => object);
  const inNamespace = (ns: string, pred: (o: K8sObject) => boolean) =>
    objects.some((o) => o.metadata.namespace === ns && pred(o));
  return items.flatMap(({ source, object }) => {
    if (object.kind !== 'Namespace') return [];
    const ns = String(object.metadata.name);
    const missing = [
      ['ResourceQuota', (o: K8sObject) => o.kind === 'ResourceQuota'],
      ['LimitRange', (o: K8sObject) => o.kind === 'LimitRange'],
      ['default-deny NetworkPolicy', isDefaultDeny],
    ] as const;
    return missing
      .filter(([, pred]) => !inNamespace(ns, pred))
      .map(([what]) => `${source}: namespace ${ns} has no ${what}`);
  });
};

/** No credential in git: Secrets may only be created by External Secrets (or bootstrap, locally). */
export const noSecretData = (items: Located[]) =>
  items.flatMap(({ source, object }) => {
    if (object.kind !== 'Secret') return [];
    const withData = ['data', 'stringData'].filter((key) => object[key] && Object.keys(object[key] as object).length);
    return withData.length ? [`${source}: ${describe(object)} carries ${withData.join(' and ')}`] : [];
  });

export const allPolicies = {
  probes,
  resources,
  hardening,
  imageTags,
  daprAnnotations,
  rollouts,
  namespaceGuards,
  noSecretData,
};
