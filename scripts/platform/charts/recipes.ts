import { prepareCertManager } from './prepare/cert-manager.ts';
import { prepareDapr } from './prepare/dapr.ts';
import { prepareExternalSecrets } from './prepare/external-secrets.ts';

/**
 * Where each pinned third-party chart (gitops/apps/values.yaml) can be had on a machine that reaches
 * package registries only: Helm repositories are out of reach, but some projects ship their chart,
 * or at least their CRDs, inside a Go module the module proxy serves. Keyed by `<component>@<chart
 * version>`, so a pin bump without a recipe is reported, not silently rendered from another version.
 */
export type Recipe =
  | {
      /** The real chart, rendered with our values. */
      kind: 'chart';
      module: string;
      moduleVersion: string;
      chartDir: string;
      prepare?: (chart: string, version: string, moduleDir: string) => void;
    }
  | {
      /** The chart cannot be had; the CRDs it installs can (so resources using them are still checked). */
      kind: 'crds';
      module: string;
      moduleVersion: string;
      /** A newer Go the module's go.mod asks for (fetched by the go command from the module proxy). */
      goToolchain?: string;
      crds: string[];
      missing: string;
    }
  | { kind: 'none'; missing: string };

const notAGoModule = (repo: string) =>
  `the chart is published only to its Helm repository (${repo} is not a Go module), which this machine cannot reach`;

export const recipes: Record<string, Recipe> = {
  'dapr@1.18.1': {
    kind: 'chart',
    module: 'github.com/dapr/dapr',
    moduleVersion: 'v1.18.1',
    chartDir: 'charts/dapr',
    prepare: prepareDapr,
  },
  'cert-manager@v1.18.2': {
    kind: 'chart',
    module: 'github.com/cert-manager/cert-manager',
    moduleVersion: 'v1.18.2',
    chartDir: 'deploy/charts/cert-manager',
    prepare: prepareCertManager,
  },
  'external-secrets@0.19.2': {
    kind: 'chart',
    module: 'github.com/external-secrets/external-secrets',
    moduleVersion: 'v0.19.2',
    chartDir: 'deploy/charts/external-secrets',
    prepare: prepareExternalSecrets,
  },
  'traefik@37.1.2': {
    kind: 'crds',
    module: 'github.com/traefik/traefik/v3',
    // The chart's appVersion; its crds/ for traefik.io are this file of the Traefik module.
    moduleVersion: 'v3.5.3',
    crds: ['docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml'],
    missing: notAGoModule('traefik/traefik-helm-chart'),
  },
  'cloudnative-pg@0.26.0': {
    kind: 'crds',
    module: 'github.com/cloudnative-pg/cloudnative-pg',
    // The operator version chart 0.26.0 installs.
    moduleVersion: 'v1.27.0',
    crds: ['config/crd/bases/*.yaml'],
    missing: notAGoModule('cloudnative-pg/charts'),
  },
  'keda@2.17.2': {
    kind: 'crds',
    module: 'github.com/kedacore/keda/v2',
    moduleVersion: 'v2.17.2',
    crds: ['config/crd/bases/*.yaml'],
    missing: notAGoModule('kedacore/charts'),
  },
  'kube-prometheus-stack@77.5.0': {
    kind: 'crds',
    module: 'github.com/prometheus-operator/prometheus-operator',
    // The chart's appVersion (prometheus-operator), whose CRDs its crds subchart carries.
    moduleVersion: 'v0.85.0',
    crds: ['example/prometheus-operator-crd/*.yaml'],
    missing: notAGoModule('prometheus-community/helm-charts'),
  },
  'argo-rollouts@2.40.5': {
    kind: 'crds',
    module: 'github.com/argoproj/argo-rollouts',
    // The chart's appVersion; its CRDs are the module's manifests/crds.
    moduleVersion: 'v1.8.3',
    crds: ['manifests/crds/*-crd.yaml'],
    missing: notAGoModule('argoproj/argo-helm'),
  },
  'redpanda@25.1.1': {
    kind: 'none',
    missing:
      'the chart is a Go module (github.com/redpanda-data/redpanda-operator/charts/redpanda/v5) that the module proxy does not serve (403 "not available"); it has no CRDs',
  },
  'loki@6.30.1': {
    kind: 'none',
    missing: `${notAGoModule('grafana/helm-charts')}; Loki's own Go module is AGPL and not to be used here`,
  },
  'alloy@1.1.1': {
    kind: 'none',
    missing: 'github.com/grafana/alloy (which holds the chart) is not served by the module proxy (403)',
  },
  'otel-collector@0.134.1': { kind: 'none', missing: notAGoModule('open-telemetry/opentelemetry-helm-charts') },
  'tempo@2.2.4': { kind: 'none', missing: notAGoModule('grafana-community/helm-charts') },
  // Not a chart: Argo CD itself (bootstrap installs it), whose CRDs our Applications need. The same
  // version scripts/platform/argocd builds and the Argo CD tier runs.
  'argocd@v3.6.2': {
    kind: 'crds',
    module: 'github.com/argoproj/argo-cd/v3',
    moduleVersion: 'v3.6.2',
    // Its go.mod says go 1.27: the go command fetches this approved toolchain (scripts/platform/argocd/lib.sh).
    goToolchain: 'go1.27.3',
    crds: ['manifests/crds/*-crd.yaml'],
    missing: 'installed by the bootstrap from its manifests, not as a chart',
  },
};
