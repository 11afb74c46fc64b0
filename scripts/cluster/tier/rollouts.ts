import type { ControlPlane } from '../control-plane.ts';
import { getJson } from './kube.ts';

/**
 * A stand-in for the Argo Rollouts controller (v1.8.3, the version whose CRDs the platform serves),
 * which neither cluster tier runs: building it would add minutes to every cold run. For each Rollout
 * it does what the controller does for a canary without a traffic router, minus the steps and the
 * analysis (no Prometheus answers here): a ReplicaSet per pod template (`<rollout>-<hash>`, owned by
 * the Rollout, pods labelled rollouts-pod-template-hash), the new one scaled up and the old ones down
 * within maxSurge/maxUnavailable, a ScalingReplicaSet event on the Rollout for each scaling, and the
 * status the controller writes (observedGeneration, currentPodHash, stableRS, replica counts, phase;
 * see CalculateRolloutPhase in utils/rollout/rolloututil.go) — what Argo CD's health check for
 * argoproj.io/Rollout (resource_customizations/argoproj.io/Rollout/health.lua) reads. The pods are
 * the ReplicaSet controller's, so admission, the Dapr injector, quotas and scheduling are real.
 * A new pod template is promoted as soon as its pods are available: the canary steps are not run.
 */
// biome-ignore lint/suspicious/noExplicitAny: API objects
type Any = any;

export const ROLLOUTS = '/apis/argoproj.io/v1alpha1/rollouts';
export const HASH_LABEL = 'rollouts-pod-template-hash';
const REVISION = 'rollout.argoproj.io/revision';
const DESIRED = 'rollout.argoproj.io/desired-replicas';
export const STAND_IN = 'simulated by the cluster tier (the Argo Rollouts controller does not run)';

/** JSON with sorted keys, so the hash does not depend on the order the API server returns. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

/** As utils/hash ComputePodTemplateHash: FNV-32a of the template, rand.SafeEncodeString'd. */
export function podTemplateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(canonical(template))) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(h)].map((c) => alphanums[c.charCodeAt(0) % alphanums.length]).join('');
}

/** intstr as the controller resolves it: percentages of `total`, surge rounded up, unavailable down. */
function resolve(v: number | string | undefined, fallback: string, total: number, up: boolean): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const pct = Number(value.replace(/%$/, ''));
  return up ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

const selectorString = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** A pod of a ReplicaSet counts as available to the rollout only while the ReplicaSet still wants it. */
const available = (rs: Any) => Math.min(rs.status?.availableReplicas ?? 0, rs.spec.replicas ?? 0);

async function send(cp: ControlPlane, path: string, method: string, body: unknown, type = 'application/json') {
  const res = await cp.api(path, { method, headers: { 'content-type': type }, body: JSON.stringify(body) });
  // 409: someone (the ReplicaSet controller, a sync) changed it since this pass read it; next pass.
  if (!res.ok && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.ok;
}

async function event(cp: ControlPlane, ro: Any, message: string, now: string) {
  const ns = ro.metadata.namespace;
  await send(cp, `/api/v1/namespaces/${ns}/events`, 'POST', {
    metadata: { generateName: `${ro.metadata.name}.`, namespace: ns },
    involvedObject: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: ro.metadata.name,
      namespace: ns,
      uid: ro.metadata.uid,
      resourceVersion: ro.metadata.resourceVersion,
    },
    reason: 'ScalingReplicaSet',
    message,
    type: 'Normal',
    source: { component: 'rollouts-controller (stand-in)' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}

async function scale(cp: ControlPlane, ro: Any, rs: Any, to: number, now: string) {
  const from = rs.spec.replicas ?? 0;
  if (from === to) return;
  const path = `/apis/apps/v1/namespaces/${rs.metadata.namespace}/replicasets/${rs.metadata.name}`;
  const patch = {
    metadata: { resourceVersion: rs.metadata.resourceVersion, annotations: { [DESIRED]: String(desiredOf(ro)) } },
    spec: { replicas: to },
  };
  if (!(await send(cp, path, 'PATCH', patch, 'application/merge-patch+json'))) return;
  rs.spec.replicas = to;
  const revision = rs.metadata.annotations?.[REVISION] ?? '?';
  await event(
    cp,
    ro,
    `Scaled ${to > from ? 'up' : 'down'} ReplicaSet ${rs.metadata.name} (revision ${revision}) from ${from} to ${to}`,
    now,
  );
}

const desiredOf = (ro: Any): number => ro.spec.replicas ?? 1;

/**
 * One reconcile of one Rollout: ReplicaSets created and scaled, then the status it should have —
 * or undefined when the live status already says so (a status rewritten on every pass would keep
 * Argo CD refreshing for nothing).
 */
export async function reconcileRollout(cp: ControlPlane, ro: Any, now: string): Promise<Any | undefined> {
  const ns = ro.metadata.namespace;
  const name = ro.metadata.name;
  if (ro.spec.replicas == null) {
    // As the controller does (rollout/controller.go, argo-rollouts#119): the scale subresource reads
    // a missing spec.replicas as 0, and the HPA controller leaves a target at 0 alone.
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${name}`;
    const patch = { metadata: { resourceVersion: ro.metadata.resourceVersion }, spec: { replicas: 1 } };
    await send(cp, path, 'PATCH', patch, 'application/merge-patch+json');
    return undefined;
  }
  const desired = desiredOf(ro);
  const hash = podTemplateHash(ro.spec.template);
  const sets = await getJson<{ items: Any[] }>(cp, `/apis/apps/v1/namespaces/${ns}/replicasets`);
  const owned = (sets?.items ?? []).filter((rs: Any) =>
    rs.metadata.ownerReferences?.some((r: Any) => r.uid === ro.metadata.uid),
  );
  const revisions = owned.map((rs: Any) => Number(rs.metadata.annotations?.[REVISION] ?? 0));
  const nextRevision = String(Math.max(0, ...revisions) + 1);
  const current = owned.find((rs: Any) => rs.metadata.labels?.[HASH_LABEL] === hash);
  if (!current) {
    const labels = { ...(ro.spec.template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`,
        namespace: ns,
        labels,
        annotations: { [REVISION]: nextRevision, [DESIRED]: String(desired), 'tasktide.dev/stand-in': STAND_IN },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Rollout',
            name,
            uid: ro.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        minReadySeconds: ro.spec.minReadySeconds ?? 0,
        selector: { matchLabels: { ...(ro.spec.selector?.matchLabels ?? {}), [HASH_LABEL]: hash } },
        template: { ...ro.spec.template, metadata: { ...(ro.spec.template.metadata ?? {}), labels } },
      },
    };
    const path = `/apis/apps/v1/namespaces/${ns}/replicasets`;
    const res = await cp.api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rs),
    });
    if (!res.ok && res.status !== 409)
      throw new Error(`create ReplicaSet ${ns}/${rs.metadata.name}: ${res.status} ${await res.text()}`);
    return undefined; // read it back on the next pass
  }
  // Back to an earlier template (a rollback): that ReplicaSet becomes the newest revision again.
  if (current.metadata.annotations?.[REVISION] !== String(Math.max(...revisions))) {
    const patch = {
      metadata: { resourceVersion: current.metadata.resourceVersion, annotations: { [REVISION]: nextRevision } },
    };
    const path = `/apis/apps/v1/namespaces/${ns}/replicasets/${current.metadata.name}`;
    await send(cp, path, 'PATCH', patch, 'application/merge-patch+json');
    return undefined; // scaled from the next pass on
  }
  const old = owned.filter((rs: Any) => rs !== current);
  const strategy = ro.spec.strategy?.canary ?? {};
  const maxSurge = resolve(strategy.maxSurge, '25%', desired, true);
  const maxUnavailable = resolve(strategy.maxUnavailable, '25%', desired, false);
  const total = owned.reduce((t: number, rs: Any) => t + (rs.spec.replicas ?? 0), 0);
  // Up: the new ReplicaSet, as far as the surge allows (all at once when nothing else runs).
  const room = desired + maxSurge - total;
  const newReplicas = current.spec.replicas ?? 0;
  if (newReplicas > desired) await scale(cp, ro, current, desired, now);
  else if (newReplicas < desired && room > 0) await scale(cp, ro, current, Math.min(desired, newReplicas + room), now);
  // Down: old pods, as far as availability allows (never below desired − maxUnavailable available).
  let removable = owned.reduce((t: number, rs: Any) => t + available(rs), 0) - (desired - maxUnavailable);
  for (const rs of old) {
    const replicas = rs.spec.replicas ?? 0;
    if (!replicas) continue;
    // Pods not available yet go first: they serve nobody.
    const unavailable = replicas - available(rs);
    const cut = Math.min(replicas, unavailable + Math.max(0, removable));
    if (cut <= 0) continue;
    removable -= cut - unavailable;
    await scale(cp, ro, rs, replicas - cut, now);
  }

  const sum = (f: (rs: Any) => number) => owned.reduce((t: number, rs: Any) => t + f(rs), 0);
  const status: Any = {
    observedGeneration: String(ro.metadata.generation),
    currentPodHash: hash,
    replicas: sum((rs) => rs.status?.replicas ?? 0),
    updatedReplicas: current.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: sum((rs) => rs.status?.availableReplicas ?? 0),
    HPAReplicas: sum((rs) => rs.status?.replicas ?? 0),
    selector: selectorString(ro.spec.selector?.matchLabels ?? {}),
    stableRS: ro.status?.stableRS,
    currentStepIndex: (strategy.steps ?? []).length,
  };
  const fresh = (current.status?.observedGeneration ?? 0) >= (current.metadata.generation ?? 0);
  const updatedAvailable = fresh ? Math.min(current.status?.availableReplicas ?? 0, status.updatedReplicas) : 0;
  // Promoted (stable) once the new pods are all available and no old pod is left.
  if (fresh && updatedAvailable >= desired && status.replicas === status.updatedReplicas) status.stableRS = hash;
  const [phase, message] = rolloutPhase(ro, status, desired);
  status.phase = phase;
  status.message = message;
  const done = phase === 'Healthy';
  const condition = (type: string, value: boolean, reason: string) => {
    const previous = (ro.status?.conditions ?? []).find((c: Any) => c.type === type);
    const same = previous?.status === String(value) && previous?.reason === reason;
    return {
      type,
      status: value ? 'True' : 'False',
      reason,
      message: STAND_IN,
      lastTransitionTime: same ? previous.lastTransitionTime : now,
      lastUpdateTime: same ? previous.lastUpdateTime : now,
    };
  };
  status.conditions = [
    condition('Available', status.availableReplicas >= desired, 'AvailableReason'),
    condition('Progressing', true, done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated'),
    condition('Healthy', done, 'RolloutHealthy'),
    condition('Completed', done, done ? 'RolloutCompleted' : 'RolloutNotCompleted'),
  ];
  const live = ro.status ?? {};
  const same = Object.keys(status).every((k) => canonical(status[k]) === canonical(live[k]));
  return same ? undefined : status;
}

/** CalculateRolloutPhase (utils/rollout/rolloututil.go) for a canary without traffic routing. */
function rolloutPhase(ro: Any, status: Any, desired: number): [string, string] {
  if (ro.spec.paused) return ['Paused', 'manually paused'];
  if (status.updatedReplicas < desired) return ['Progressing', 'more replicas need to be updated'];
  if (status.availableReplicas < status.updatedReplicas) {
    return ['Progressing', 'updated replicas are still becoming available'];
  }
  if (status.replicas > status.updatedReplicas) return ['Progressing', 'old replicas are pending termination'];
  if (!status.stableRS || status.stableRS !== status.currentPodHash) {
    return ['Progressing', 'waiting for all steps to complete'];
  }
  return ['Healthy', ''];
}

/** Merge-patches `status` onto the Rollout's status subresource. */
export async function writeRolloutStatus(cp: ControlPlane, ro: Any, status: Any) {
  const path = `/apis/argoproj.io/v1alpha1/namespaces/${ro.metadata.namespace}/rollouts/${ro.metadata.name}/status`;
  await send(cp, path, 'PATCH', { status }, 'application/merge-patch+json');
}

export interface RolloutStandIn {
  /** The Rollouts reconciled so far (namespace/name). */
  rollouts: Set<string>;
  stop(): Promise<void>;
}

/** The stand-in as a controller of its own (the GitOps tier; the Argo CD tier runs it in operators.ts). */
export function startRolloutStandIn(cp: ControlPlane): RolloutStandIn {
  const rollouts = new Set<string>();
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      try {
        const list = await getJson<{ items: Any[] }>(cp, ROLLOUTS);
        for (const ro of list?.items ?? []) {
          const status = await reconcileRollout(cp, ro, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
          if (status) await writeRolloutStatus(cp, ro, status);
          rollouts.add(`${ro.metadata.namespace}/${ro.metadata.name}`);
        }
      } catch (err) {
        // 429 "storage is (re)initializing": the Rollout CRD was just created; the next pass reads it.
        if (!/: 429 /.test((err as Error).message)) failure = err;
      }
      await Bun.sleep(250);
    }
  })();
  return {
    rollouts,
    async stop() {
      running = false;
      await loop;
      if (failure) console.warn(`Argo Rollouts stand-in: last error: ${(failure as Error).message}`);
    },
  };
}
