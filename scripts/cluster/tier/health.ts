import type { ControlPlane } from '../control-plane.ts';
import { type Discovery, getJson } from './kube.ts';
import { type Obj, ref } from './objects.ts';

/**
 * Waits until the workloads among `objects` are healthy as Argo CD judges them (Deployment
 * available, Rollout Healthy, StatefulSet/DaemonSet ready, Job Complete, PVC Bound, HPA at its
 * minimum; a Rollout's controller is the stand-in in rollouts.ts) — readiness
 * signals from the controllers, never sleeps. Fails at once, naming the resource, when a controller
 * reports that it cannot create a pod (Pod Security, quota, limit range: ReplicaSet ReplicaFailure
 * or a FailedCreate event) or when the scheduler finds no node with room.
 */
// biome-ignore lint/suspicious/noExplicitAny: API objects of any kind
type Any = any;
type Verdict = { ok: true } | { ok: false; failed?: string; status: string };

const WORKLOADS = new Set([
  'Deployment',
  'Rollout',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'PersistentVolumeClaim',
  'Pod',
  'HorizontalPodAutoscaler',
]);
export const isWorkload = (o: Obj) => WORKLOADS.has(o.kind);

async function warnings(cp: ControlPlane, o: Obj, reason: string) {
  const q = `involvedObject.kind=${o.kind},involvedObject.name=${o.metadata.name},type=Warning,reason=${reason}`;
  const list = await getJson<{ items: { message: string }[] }>(
    cp,
    `/api/v1/namespaces/${o.metadata.namespace}/events?fieldSelector=${encodeURIComponent(q)}`,
  );
  return (list?.items ?? []).map((e) => e.message);
}

/** A pod of the workload the scheduler cannot place: no node has room (or fits its selectors). */
async function unschedulable(cp: ControlPlane, ns: string, selector: Record<string, string> | undefined) {
  if (!selector) return undefined;
  const labels = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await getJson<{ items: Any[] }>(
    cp,
    `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(labels)}`,
  );
  for (const pod of pods?.items ?? []) {
    const c = (pod.status?.conditions ?? []).find((c: Any) => c.type === 'PodScheduled' && c.status === 'False');
    // Waiting for a volume to bind is transient (the provisioner is on it); "no room" is not.
    if (c?.reason === 'Unschedulable' && !/unbound immediate PersistentVolumeClaims/.test(c.message ?? '')) {
      return `pod ${pod.metadata.name} cannot be scheduled: ${c.message}`;
    }
  }
  return undefined;
}

/** A ReplicaSet of `owner` (Deployment or Rollout) whose controller cannot create its pods. */
async function replicaFailure(cp: ControlPlane, ns: string, owner: Any): Promise<string | undefined> {
  const sets = await getJson<{ items: Any[] }>(cp, `/apis/apps/v1/namespaces/${ns}/replicasets`);
  for (const rs of sets?.items ?? []) {
    if (!rs.metadata.ownerReferences?.some((r: Any) => r.uid === owner.metadata.uid)) continue;
    const failure = (rs.status?.conditions ?? []).find((c: Any) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failure) return failure.message;
  }
  return undefined;
}

/** The REST path of an HPA's scaleTargetRef (apps/v1 Deployment, argoproj.io/v1alpha1 Rollout, …). */
const targetPath = (ns: string, t: { apiVersion?: string; kind: string; name: string }) =>
  `/apis/${t.apiVersion ?? 'apps/v1'}/namespaces/${ns}/${t.kind.toLowerCase()}s/${t.name}`;

async function verdict(cp: ControlPlane, disc: Discovery, o: Obj): Promise<Verdict> {
  const live = await getJson<Any>(cp, disc.path(o));
  if (!live) return { ok: false, status: 'not found' };
  const s = live.status ?? {};
  const fresh = (s.observedGeneration ?? 0) >= (live.metadata.generation ?? 0);
  const ns = o.metadata.namespace ?? '';
  switch (o.kind) {
    case 'Deployment': {
      const want = live.spec.replicas ?? 1;
      if (fresh && (s.updatedReplicas ?? 0) >= want && (s.availableReplicas ?? 0) >= want) return { ok: true };
      const failed = await replicaFailure(cp, ns, live);
      if (failed) return { ok: false, failed, status: '' };
      const stuck = await unschedulable(cp, ns, live.spec.selector?.matchLabels);
      if (stuck) return { ok: false, failed: stuck, status: '' };
      return { ok: false, status: `${s.availableReplicas ?? 0}/${want} available` };
    }
    case 'Rollout': {
      // Argo CD's health.lua for argoproj.io/Rollout: the spec observed (observedGeneration is a
      // string there), then the phase the controller computed; Degraded/Paused are not healthy.
      const observed = String(s.observedGeneration ?? '') === String(live.metadata.generation ?? '');
      if (observed && s.phase === 'Healthy') return { ok: true };
      if (observed && s.phase === 'Degraded') return { ok: false, failed: `Degraded: ${s.message}`, status: '' };
      const failed = await replicaFailure(cp, ns, live);
      if (failed) return { ok: false, failed, status: '' };
      const stuck = await unschedulable(cp, ns, live.spec.selector?.matchLabels);
      if (stuck) return { ok: false, failed: stuck, status: '' };
      const want = live.spec.replicas ?? 1;
      return {
        ok: false,
        status: `${observed ? (s.phase ?? 'no phase') : 'spec not observed'}${s.message ? ` (${s.message})` : ''}, ${s.availableReplicas ?? 0}/${want} available`,
      };
    }
    case 'StatefulSet':
    case 'DaemonSet': {
      const want = o.kind === 'StatefulSet' ? (live.spec.replicas ?? 1) : (s.desiredNumberScheduled ?? 0);
      const ready = o.kind === 'StatefulSet' ? (s.readyReplicas ?? 0) : (s.numberReady ?? 0);
      if (o.kind === 'DaemonSet' && fresh && want === 0) {
        return { ok: false, failed: 'its pods match no node (nodeSelector/affinity/tolerations)', status: '' };
      }
      if (fresh && want > 0 && ready >= want) return { ok: true };
      const failed = (await warnings(cp, o, 'FailedCreate'))[0];
      if (failed) return { ok: false, failed, status: '' };
      const stuck = await unschedulable(cp, ns, live.spec.selector?.matchLabels);
      if (stuck) return { ok: false, failed: stuck, status: '' };
      return { ok: false, status: `${ready}/${want} ready` };
    }
    case 'Job': {
      const cond = (type: string) => (s.conditions ?? []).find((c: Any) => c.type === type && c.status === 'True');
      if (cond('Complete')) return { ok: true };
      const failed = cond('Failed');
      if (failed) return { ok: false, failed: `${failed.reason}: ${failed.message}`, status: '' };
      const refused = (await warnings(cp, o, 'FailedCreate'))[0];
      if (refused) return { ok: false, failed: refused, status: '' };
      const stuck = await unschedulable(cp, ns, live.spec.selector?.matchLabels);
      if (stuck) return { ok: false, failed: stuck, status: '' };
      return { ok: false, status: `${s.succeeded ?? 0} succeeded` };
    }
    case 'PersistentVolumeClaim':
      return s.phase === 'Bound' ? { ok: true } : { ok: false, status: s.phase ?? 'Pending' };
    case 'Pod': {
      if (s.phase === 'Succeeded') return { ok: true };
      const ready = (s.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
      return ready ? { ok: true } : { ok: false, status: s.phase ?? 'Pending' };
    }
    case 'HorizontalPodAutoscaler': {
      // The HPA controller raises a target below minReplicas to it before it reads any metric.
      const target = live.spec.scaleTargetRef;
      const workload = await getJson<Any>(cp, targetPath(ns, target));
      const min = live.spec.minReplicas ?? 1;
      const available = workload?.status?.availableReplicas ?? 0;
      if ((workload?.spec?.replicas ?? 0) >= min && available >= min) return { ok: true };
      return { ok: false, status: `${target.kind} ${target.name}: ${available}/${min} available` };
    }
    default:
      return { ok: true };
  }
}

export async function waitHealthy(
  cp: ControlPlane,
  disc: Discovery,
  objects: Obj[],
  opts: { who: string; timeoutMs?: number },
): Promise<void> {
  let pending = objects.filter(isWorkload);
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const last = new Map<Obj, string>();
  while (pending.length) {
    const next: Obj[] = [];
    for (const o of pending) {
      const v = await verdict(cp, disc, o);
      if (v.ok) continue;
      if (v.failed) throw new Error(`${opts.who}: ${ref(o)} cannot become healthy: ${v.failed}`);
      last.set(o, v.status);
      next.push(o);
    }
    pending = next;
    if (!pending.length) break;
    if (Date.now() > deadline) {
      const list = pending.map((o) => `  ${ref(o)}: ${last.get(o)}`).join('\n');
      throw new Error(`${opts.who}: not healthy in time:\n${list}`);
    }
    await Bun.sleep(250);
  }
}
