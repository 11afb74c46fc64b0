import type { ControlPlane } from '../control-plane.ts';
import { getJson, postJson } from './kube.ts';
import type { ClusterShape } from './shapes.ts';

/**
 * Volumes for the simulated cluster: the default StorageClass the target comes with, and a stand-in
 * for its provisioner that answers every pending claim with a PersistentVolume of the size the
 * provider would really create (OCI block volumes: 50 GB at least), so PVC quotas, binding and the
 * block-storage budget behave as there. No data is ever written: kwok runs no containers.
 */
// biome-ignore lint/suspicious/noExplicitAny: API objects
type Any = any;

const gi = (quantity: string) => {
  const m = quantity.match(/^([0-9.]+)(Ki|Mi|Gi|Ti|G|M)?$/);
  if (!m) throw new Error(`unexpected storage size ${quantity}`);
  const factor: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024, G: 1, M: 1 / 1024 };
  return Number(m[1]) * (factor[m[2] ?? 'Gi'] ?? 1);
};

export async function createStorageClass(cp: ControlPlane, shape: ClusterShape) {
  await postJson(cp, '/apis/storage.k8s.io/v1/storageclasses', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: shape.storageClass.name,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: shape.storageClass.provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  });
}

export interface Provisioner {
  stop(): Promise<void>;
  /** Every volume created so far: claim, requested and provisioned (billed) size in Gi. */
  volumes(): { claim: string; requestedGi: number; sizeGi: number }[];
}

export function startProvisioner(cp: ControlPlane, shape: ClusterShape): Provisioner {
  const made = new Map<string, { claim: string; requestedGi: number; sizeGi: number }>();
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      try {
        const claims = await getJson<{ items: Any[] }>(cp, '/api/v1/persistentvolumeclaims');
        for (const pvc of claims?.items ?? []) {
          if (pvc.spec.volumeName || made.has(pvc.metadata.uid)) continue;
          const requested = gi(pvc.spec.resources.requests.storage);
          const size = Math.max(Math.ceil(requested), shape.minVolumeGi);
          await postJson(cp, '/api/v1/persistentvolumes', {
            apiVersion: 'v1',
            kind: 'PersistentVolume',
            metadata: {
              name: `pv-${pvc.metadata.uid}`,
              annotations: { 'pv.kubernetes.io/provisioned-by': shape.storageClass.provisioner },
            },
            spec: {
              capacity: { storage: `${size}Gi` },
              accessModes: pvc.spec.accessModes,
              storageClassName: pvc.spec.storageClassName ?? shape.storageClass.name,
              persistentVolumeReclaimPolicy: 'Delete',
              claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
              hostPath: { path: `/var/lib/tasktide-sim/${pvc.metadata.uid}` },
            },
          });
          made.set(pvc.metadata.uid, {
            claim: `${pvc.metadata.namespace}/${pvc.metadata.name}`,
            requestedGi: requested,
            sizeGi: size,
          });
        }
      } catch (err) {
        failure = err;
      }
      await Bun.sleep(300);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (failure) console.warn(`provisioner: last error: ${(failure as Error).message}`);
    },
    volumes: () => [...made.values()],
  };
}
