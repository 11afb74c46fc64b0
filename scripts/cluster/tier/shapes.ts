import type { NodeShape } from '../control-plane.ts';

/**
 * What each target cluster gives the tasktide stack, so scheduling, quotas and volume sizes bite in
 * the tier as they would there. Figures from clusters/<cluster>/README.md; the "reserved" pods stand
 * for what runs on the node besides the stack (kubelet reserve, system pods, Argo CD), which the
 * tier does not deploy but which takes the same node capacity.
 */
export interface ClusterShape {
  cluster: 'minikube' | 'oke';
  nodes: NodeShape[];
  /** StorageClass the cluster comes with (default class); PVCs without a class get it. */
  storageClass: { name: string; provisioner: string };
  /** Smallest volume the provider bills; a PVC asking less still gets (and costs) this much. */
  minVolumeGi: number;
  /** Block storage budget including boot volumes (OKE Always Free: 200 GB), if any. */
  blockBudgetGi?: number;
  bootVolumesGi: number;
  reserved: { name: string; cpu: string; memory: string; why: string }[];
}

export const SHAPES: Record<ClusterShape['cluster'], ClusterShape> = {
  oke: {
    cluster: 'oke',
    // One Ampere A1.Flex worker, 4 OCPU / 24 GB (clusters/oke/tofu/variables.tf).
    nodes: [{ name: 'oke-a1-flex-0', arch: 'arm64', cpu: '4', memory: '24Gi', pods: '110' }],
    storageClass: { name: 'oci-bv', provisioner: 'blockvolume.csi.oraclecloud.com' },
    minVolumeGi: 50,
    blockBudgetGi: 200,
    bootVolumesGi: 50,
    reserved: [
      {
        name: 'node-and-oke-system',
        cpu: '500m',
        memory: '1536Mi',
        why: 'kubelet reserve, flannel, Calico, CoreDNS, CSI',
      },
      { name: 'argocd', cpu: '300m', memory: '716Mi', why: 'Argo CD (bootstrap-installed)' },
    ],
  },
  minikube: {
    cluster: 'minikube',
    // `minikube start --cpus 4 --memory 12g` (clusters/minikube/README.md): one node, amd64 laptop.
    nodes: [{ name: 'minikube', arch: 'amd64', cpu: '4', memory: '12Gi', pods: '110' }],
    storageClass: { name: 'standard', provisioner: 'k8s.io/minikube-hostpath' },
    minVolumeGi: 0,
    bootVolumesGi: 0,
    reserved: [
      {
        name: 'minikube-system',
        cpu: '1',
        memory: '1Gi',
        why: 'kube-apiserver, etcd, controller-manager, scheduler, CoreDNS, Calico, metrics-server',
      },
      { name: 'argocd', cpu: '300m', memory: '716Mi', why: 'Argo CD (bootstrap-installed)' },
    ],
  },
};
