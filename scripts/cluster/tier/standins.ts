import type { AppPlan } from './desired.ts';
import type { Obj } from './objects.ts';
import { mergedValues } from './values.ts';

/**
 * Stand-ins for workloads of charts the tier cannot obtain, where the pod's shape is what decides
 * admission. Each is labelled as a stand-in and named in the tier's output; it is written from the
 * upstream chart's template at the pinned version, with our values applied where they matter.
 *
 * node-exporter (kube-prometheus-stack 77.5.0 -> prometheus-node-exporter 4.47.3): host network,
 * host PID and the host's /proc, /sys and / mounted read-only — beyond Pod Security `baseline`.
 */
export function standIns(plan: AppPlan): Obj[] {
  if (plan.name !== 'kube-prometheus-stack' || !('crds' in plan.source)) return [];
  const files = [
    'gitops/platform/values/kube-prometheus-stack.yaml',
    `clusters/${plan.cluster}/values/platform/kube-prometheus-stack.yaml`,
  ];
  const values = mergedValues(files)['prometheus-node-exporter'] ?? {};
  const namespace = values.namespaceOverride || plan.namespace;
  const labels = { 'app.kubernetes.io/name': 'prometheus-node-exporter', 'tasktide.dev/stand-in': 'true' };
  const hostMount = (name: string, path: string, mountPath: string) => ({
    volume: { name, hostPath: { path } },
    mount: { name, mountPath, readOnly: true, ...(name === 'root' ? { mountPropagation: 'HostToContainer' } : {}) },
  });
  const mounts = [
    hostMount('proc', '/proc', '/host/proc'),
    hostMount('sys', '/sys', '/host/sys'),
    hostMount('root', '/', '/host/root'),
  ];
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'kube-prometheus-stack-prometheus-node-exporter',
        namespace,
        labels,
        annotations: { 'tasktide.dev/stand-in': 'prometheus-node-exporter 4.47.3 pod shape (chart not obtainable)' },
      },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
            hostNetwork: true,
            hostPID: true,
            containers: [
              {
                name: 'node-exporter',
                image: 'quay.io/prometheus/node-exporter:v1.9.1',
                args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root'],
                ports: [{ name: 'http-metrics', containerPort: 9100, protocol: 'TCP' }],
                securityContext: { readOnlyRootFilesystem: true },
                resources: values.resources ?? {},
                volumeMounts: mounts.map((m) => m.mount),
              },
            ],
            tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
            volumes: mounts.map((m) => m.volume),
          },
        },
      },
    },
  ];
}
