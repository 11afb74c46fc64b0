import { defineArgoCdTier } from './argocd/suite.ts';

// Real Argo CD on the tier's control plane, OKE overlay: the README's step-5 bootstrap to Synced/Healthy.
defineArgoCdTier('oke', { operations: false });
