import type { ControlPlane } from '../control-plane.ts';
import { getJson } from './kube.ts';

// biome-ignore lint/suspicious/noExplicitAny: API objects
type Any = any;

/** CPU in millicores and memory in MiB from Kubernetes quantities. */
export function milli(q: string | undefined): number {
  if (!q) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
export function mebi(q: string | undefined): number {
  if (!q) return 0;
  const m = q.match(/^([0-9.]+)([KMGT]i?|)$/);
  if (!m) return Number(q) / 2 ** 20;
  const f: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1024 ** 2,
    K: 1e3 / 2 ** 20,
    M: 1e6 / 2 ** 20,
    G: 1e9 / 2 ** 20,
    '': 1 / 2 ** 20,
  };
  return Number(m[1]) * (f[m[2]!] ?? 1);
}

export interface PodProblem {
  pod: string;
  problem: string;
}

export async function allPods(cp: ControlPlane): Promise<Any[]> {
  return (await getJson<{ items: Any[] }>(cp, '/api/v1/pods'))?.items ?? [];
}

/**
 * Pods that did not end as a cluster would need them: not scheduled, not Ready (Jobs: not
 * Succeeded), or asking for Dapr without the injected daprd (which must drop every capability to
 * be admitted under `restricted`).
 */
export function podProblems(pods: Any[]): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const ready = (pod.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
    if (!pod.spec.nodeName) problems.push({ pod: name, problem: 'not scheduled' });
    else if (pod.status?.phase !== 'Succeeded' && !ready)
      problems.push({ pod: name, problem: `${pod.status?.phase}, not Ready` });
    if (pod.metadata.annotations?.['dapr.io/enabled'] === 'true') {
      const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      const daprd = all.find((c: Any) => c.name === 'daprd');
      if (!daprd) problems.push({ pod: name, problem: 'dapr.io/enabled but no daprd sidecar was injected' });
      else if (!daprd.securityContext?.capabilities?.drop?.includes('ALL')) {
        problems.push({ pod: name, problem: 'the injected daprd keeps its capabilities' });
      }
    }
  }
  return problems;
}

/** Requests per node against allocatable, as the scheduler counts them (running pods only). */
export async function nodeUse(cp: ControlPlane, pods: Any[]) {
  const nodes = (await getJson<{ items: Any[] }>(cp, '/api/v1/nodes'))?.items ?? [];
  return nodes.map((node) => {
    const on = pods.filter(
      (p) => p.spec.nodeName === node.metadata.name && !['Succeeded', 'Failed'].includes(p.status?.phase),
    );
    const sum = (f: (r: Any) => number) =>
      on.reduce(
        (t, p) => t + p.spec.containers.reduce((u: number, c: Any) => u + f(c.resources?.requests ?? {}), 0),
        0,
      );
    return {
      node: node.metadata.name,
      pods: on.length,
      cpuMilli: sum((r) => milli(r.cpu)),
      cpuAllocatableMilli: milli(node.status.allocatable.cpu),
      memoryMi: sum((r) => mebi(r.memory)),
      memoryAllocatableMi: mebi(node.status.allocatable.memory),
    };
  });
}

export async function quotaUse(cp: ControlPlane) {
  const quotas = (await getJson<{ items: Any[] }>(cp, '/api/v1/resourcequotas'))?.items ?? [];
  return quotas.map((q) => ({
    quota: `${q.metadata.namespace}/${q.metadata.name}`,
    use: Object.keys(q.status?.hard ?? {})
      .sort()
      .map((k) => `${k} ${q.status.used?.[k] ?? '0'}/${q.status.hard[k]}`)
      .join(', '),
  }));
}
