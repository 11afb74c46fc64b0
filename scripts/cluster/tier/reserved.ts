import type { ControlPlane } from '../control-plane.ts';
import { apply } from './kube.ts';
import type { ClusterShape } from './shapes.ts';

/**
 * Pods standing for what the target node runs besides the stack (system pods, kubelet reserve,
 * Argo CD), with the requests the cluster README budgets for them, so the stack gets only the room
 * it would really have.
 */
export async function reserveSystemCapacity(cp: ControlPlane, shape: ClusterShape) {
  const pods = shape.reserved.map((r) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `reserved-${r.name}`,
      namespace: 'kube-system',
      labels: { 'tasktide.dev/reserved': 'true' },
      annotations: { 'tasktide.dev/stands-for': r.why },
    },
    spec: {
      containers: [
        {
          name: 'reserved',
          image: 'registry.k8s.io/pause:3.10',
          resources: { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memory } },
        },
      ],
    },
  }));
  await apply(cp, pods, 'server-side', { who: 'reserved capacity' });
  const res = await cp.kubectl([
    'wait',
    '-n',
    'kube-system',
    '--for=condition=Ready',
    'pod',
    '-l',
    'tasktide.dev/reserved=true',
    '--timeout=60s',
  ]);
  if (res.code !== 0) throw new Error(`reserved capacity pods not Ready: ${res.stderr}`);
}
