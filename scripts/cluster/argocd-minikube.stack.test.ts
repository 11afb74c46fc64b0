import { defineArgoCdTier } from './argocd/suite.ts';

// Real Argo CD on the tier's control plane, minikube overlay: bootstrap, release, rollback,
// syncOptions (the day-2 flows run here: the release commits to minikube directly).
defineArgoCdTier('minikube', { operations: true });
