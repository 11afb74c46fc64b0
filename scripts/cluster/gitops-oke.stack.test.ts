// The cluster tier on a control plane shaped like the OKE Always Free worker (one arm64 node,
// 4 CPU / 24 GiB, OCI block volumes of 50 GB at least): see scripts/cluster/tier/suite.ts and
// docs/platform.md ("Cluster tier"). Runs when TASKTIDE_KUBE=1.
import { defineClusterTier } from './tier/suite.ts';

defineClusterTier('oke');
