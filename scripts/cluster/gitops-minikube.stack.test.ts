// The cluster tier on a control plane shaped like the documented minikube (one node, 4 CPU /
// 12 GiB): see scripts/cluster/tier/suite.ts and docs/platform.md ("Cluster tier"). Runs when
// TASKTIDE_KUBE=1.
import { defineClusterTier } from './tier/suite.ts';

defineClusterTier('minikube');
