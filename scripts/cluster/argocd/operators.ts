import type { ControlPlane } from '../control-plane.ts';
import { getJson } from '../tier/kube.ts';
import { ROLLOUTS, reconcileRollout } from '../tier/rollouts.ts';

/**
 * Stand-ins for the operators the tier does not run, writing the status each writes once its work
 * is done — the status Argo CD's health checks (resource_customizations/*.lua of the pinned Argo CD,
 * and gitops-engine's Ingress check) read. Without them every Application holding such a resource
 * stays Progressing forever, and the root's later waves never start. Each status carries the
 * message "simulated by the cluster tier" so nobody mistakes it for the operator's.
 *
 * What is simulated, and the check it satisfies:
 *   cert-manager  Certificate, ClusterIssuer, Issuer   condition Ready=True
 *   ESO           ExternalSecret, (Cluster)SecretStore  condition Ready=True (no Secret is written)
 *   CloudNativePG Cluster                              phase "Cluster in healthy state" + Ready
 *   KEDA          ScaledObject                         condition Ready=True (no HPA is created)
 *   Traefik       Ingress                              status.loadBalancer.ingress (its published address)
 *   Argo Rollouts Rollout                            the controller's work (tier/rollouts.ts): its
 *                 ReplicaSets made and scaled, ScalingReplicaSet events, status.phase Healthy once
 *                 the pods are available (health.lua for argoproj.io/Rollout); steps and analysis
 *                 are not run
 *   HPA controller + metrics-server: HorizontalPodAutoscaler — the target scaled up to minReplicas
 *                 and the status of an idle workload (0 % CPU: ScalingLimited TooFewReplicas). The
 *                 real HPA controller is off in this tier: with no metrics API it reports
 *                 ScalingActive=False FailedGetResourceMetric, which Argo CD counts as Degraded.
 * Not simulated (they report real health): Deployments, StatefulSets, DaemonSets, Jobs, ReplicaSets
 * and Pods (also a Rollout's: kwok runs the kubelet side), PersistentVolumeClaims (the tier's
 * provisioner).
 */
// biome-ignore lint/suspicious/noExplicitAny: API objects
type Any = any;

const MESSAGE = 'simulated by the cluster tier (the operator does not run)';

interface Kind {
  what: string;
  path: string;
  /** The status the operator would write, or undefined when the object already has it. */
  status(o: Any, now: string, cp: ControlPlane): Any | undefined | Promise<Any | undefined>;
  /** Merge-patched onto /status (CRDs with the status subresource) or the object itself. */
  subresource: boolean;
}

const readyCondition = (reason: string, now: string) => ({
  type: 'Ready',
  status: 'True',
  reason,
  message: MESSAGE,
  lastTransitionTime: now,
});
/** Written once: a status that changed on every pass would keep Argo CD refreshing for nothing. */
const isReady = (o: Any) => (o.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
const ready = (reason: string) => (o: Any, now: string) =>
  isReady(o) ? undefined : { conditions: [readyCondition(reason, now)] };

const kinds = (address: string): Kind[] => [
  { what: 'Certificate', path: '/apis/cert-manager.io/v1/certificates', status: ready('Ready'), subresource: true },
  { what: 'ClusterIssuer', path: '/apis/cert-manager.io/v1/clusterissuers', status: ready('Ready'), subresource: true },
  { what: 'Issuer', path: '/apis/cert-manager.io/v1/issuers', status: ready('Ready'), subresource: true },
  {
    what: 'ExternalSecret',
    path: '/apis/external-secrets.io/v1/externalsecrets',
    status: ready('SecretSynced'),
    subresource: true,
  },
  {
    what: 'ClusterSecretStore',
    path: '/apis/external-secrets.io/v1/clustersecretstores',
    status: ready('Valid'),
    subresource: true,
  },
  { what: 'SecretStore', path: '/apis/external-secrets.io/v1/secretstores', status: ready('Valid'), subresource: true },
  {
    what: 'CloudNativePG Cluster',
    path: '/apis/postgresql.cnpg.io/v1/clusters',
    // Argo CD's check reads the phase only when conditions are present.
    status: (o, now) =>
      o.status?.phase === 'Cluster in healthy state' && isReady(o)
        ? undefined
        : {
            phase: 'Cluster in healthy state',
            phaseReason: MESSAGE,
            instances: o.spec.instances ?? 1,
            conditions: [readyCondition('ClusterIsReady', now)],
          },
    subresource: true,
  },
  {
    what: 'ScaledObject',
    path: '/apis/keda.sh/v1alpha1/scaledobjects',
    status: ready('ScaledObjectReady'),
    subresource: true,
  },
  {
    what: 'Ingress',
    path: '/apis/networking.k8s.io/v1/ingresses',
    // Traefik publishes the address it is reached at; the simulated node's stands in for it.
    status: (o) =>
      o.status?.loadBalancer?.ingress?.length ? undefined : { loadBalancer: { ingress: [{ ip: address }] } },
    subresource: true,
  },
  {
    what: 'Argo Rollouts Rollout',
    path: ROLLOUTS,
    status: (o, now, cp) => reconcileRollout(cp, o, now),
    subresource: true,
  },
  {
    what: 'HorizontalPodAutoscaler',
    path: '/apis/autoscaling/v2/horizontalpodautoscalers',
    status: (o, now, cp) => scaleLikeHpa(cp, o, now),
    subresource: true,
  },
];

/** The HPA controller's work for an idle workload: target at minReplicas, status to match. */
async function scaleLikeHpa(cp: ControlPlane, hpa: Any, now: string): Promise<Any | undefined> {
  const min = hpa.spec.minReplicas ?? 1;
  const target = hpa.spec.scaleTargetRef;
  const ns = hpa.metadata.namespace;
  // apps/v1 Deployment or argoproj.io/v1alpha1 Rollout: both serve the scale subresource.
  const scalePath = `/apis/${target.apiVersion ?? 'apps/v1'}/namespaces/${ns}/${target.kind.toLowerCase()}s/${target.name}/scale`;
  const scale = await getJson<Any>(cp, scalePath);
  if (!scale) return undefined; // the target is not there yet
  const current = scale.spec.replicas ?? 0;
  if (current < min) {
    const res = await cp.api(scalePath, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: min } }),
    });
    if (!res.ok) throw new Error(`scale ${target.kind} ${ns}/${target.name}: ${res.status} ${await res.text()}`);
  }
  const desired = Math.max(current, min);
  const done =
    hpa.status?.desiredReplicas === desired &&
    (hpa.status?.conditions ?? []).some((c: Any) => c.type === 'ScalingActive' && c.status === 'True');
  if (done) return undefined;
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: MESSAGE,
    lastTransitionTime: now,
  });
  return {
    currentReplicas: current,
    desiredReplicas: desired,
    currentMetrics: (hpa.spec.metrics ?? [])
      .filter((m: Any) => m.type === 'Resource')
      .map((m: Any) => ({
        type: 'Resource',
        resource: { name: m.resource.name, current: { averageUtilization: 0, averageValue: '0' } },
      })),
    conditions: [
      condition('AbleToScale', 'True', 'ReadyForNewScale'),
      condition('ScalingActive', 'True', 'ValidMetricFound'),
      condition('ScalingLimited', 'True', 'TooFewReplicas'),
    ],
  };
}

export interface Operators {
  /** What was simulated so far: kind → objects (namespace/name). */
  simulated(): Map<string, Set<string>>;
  stop(): Promise<void>;
}

/** `address`: what Traefik would publish for Ingresses (the node's address stands in for it). */
export function startOperatorStandIns(cp: ControlPlane, address: string): Operators {
  const KINDS = kinds(address);
  const seen = new Map<string, Set<string>>();
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      for (const kind of KINDS) {
        try {
          const list = await getJson<{ items: Any[] }>(cp, kind.path);
          for (const o of list?.items ?? []) {
            const status = await kind.status(o, new Date().toISOString().replace(/\.\d+Z$/, 'Z'), cp);
            if (!status) continue;
            const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
            const base = kind.path.replace(/\/([a-z]+)$/, `${ns}/$1`);
            const res = await cp.api(`${base}/${o.metadata.name}${kind.subresource ? '/status' : ''}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/merge-patch+json' },
              body: JSON.stringify({ status }),
            });
            if (!res.ok && res.status !== 404 && res.status !== 409) {
              throw new Error(`status of ${kind.what} ${o.metadata.name}: ${res.status} ${await res.text()}`);
            }
            const names = seen.get(kind.what) ?? new Set();
            names.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`.replace(/^\//, ''));
            seen.set(kind.what, names);
          }
        } catch (err) {
          failure = err;
        }
      }
      await Bun.sleep(500);
    }
  })();
  return {
    simulated: () => seen,
    async stop() {
      running = false;
      await loop;
      if (failure) console.warn(`operator stand-ins: last error: ${(failure as Error).message}`);
    },
  };
}
