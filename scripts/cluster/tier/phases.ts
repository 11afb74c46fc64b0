import type { Obj } from './objects.ts';

/**
 * How Argo CD orders one Application's sync: phase (PreSync, Sync, PostSync), then sync wave, then
 * kind (gitops-engine's kind order: namespaces and policies first, CRDs before their resources,
 * workloads after what they mount, custom resources last), then name. Helm hooks map onto phases
 * as Argo CD documents ("Helm hooks"); hooks Argo CD does not run (test, delete, rollback) are skipped.
 */
export type Phase = 'PreSync' | 'Sync' | 'PostSync';
export interface Placement {
  phase: Phase;
  wave: number;
  /** A hook resource: created for the phase and waited for (Jobs: Complete). */
  hook: boolean;
}

const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

export const kindRank = (kind: string) => {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
};

const HELM_PHASE: Record<string, Phase> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/** Where `o` goes in the sync, or undefined when Argo CD would not apply it on a sync. */
export function placement(o: Obj): Placement | undefined {
  const a = o.metadata.annotations ?? {};
  const argoHook = a['argocd.argoproj.io/hook'];
  const helmHook = a['helm.sh/hook'];
  if (argoHook) {
    const phases = argoHook.split(',').map((s) => s.trim());
    const phase = (['PreSync', 'Sync', 'PostSync'] as Phase[]).find((p) => phases.includes(p));
    if (!phase) return undefined; // Skip, SyncFail, PostDelete: not part of a successful sync
    return { phase, wave: Number(a['argocd.argoproj.io/sync-wave'] ?? 0), hook: true };
  }
  if (helmHook) {
    const hooks = helmHook.split(',').map((s) => s.trim());
    if (hooks.includes('crd-install')) return { phase: 'Sync', wave: 0, hook: false };
    const phase = hooks.map((h) => HELM_PHASE[h]).find(Boolean);
    if (!phase) return undefined; // test, pre/post-delete, rollback hooks
    return { phase, wave: Number(a['argocd.argoproj.io/sync-wave'] ?? a['helm.sh/hook-weight'] ?? 0), hook: true };
  }
  return { phase: 'Sync', wave: Number(a['argocd.argoproj.io/sync-wave'] ?? 0), hook: false };
}

export interface Step {
  phase: Phase;
  wave: number;
  objects: { object: Obj; hook: boolean }[];
}

/** The objects of one Application as an ordered list of (phase, wave) steps, each in kind order. */
export function syncSteps(objects: Obj[]): { steps: Step[]; skipped: Obj[] } {
  const skipped: Obj[] = [];
  const byStep = new Map<string, Step>();
  const phaseRank = { PreSync: 0, Sync: 1, PostSync: 2 };
  for (const object of objects) {
    const p = placement(object);
    if (!p) {
      skipped.push(object);
      continue;
    }
    const key = `${phaseRank[p.phase]}:${p.wave}`;
    const step = byStep.get(key) ?? { phase: p.phase, wave: p.wave, objects: [] };
    step.objects.push({ object, hook: p.hook });
    byStep.set(key, step);
  }
  const steps = [...byStep.values()].sort((a, b) => phaseRank[a.phase] - phaseRank[b.phase] || a.wave - b.wave);
  for (const step of steps) {
    step.objects.sort(
      (a, b) =>
        kindRank(a.object.kind) - kindRank(b.object.kind) ||
        a.object.kind.localeCompare(b.object.kind) ||
        a.object.metadata.name.localeCompare(b.object.metadata.name),
    );
  }
  return { steps, skipped };
}
