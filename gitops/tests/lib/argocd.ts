/**
 * Checks over the Argo CD graph: every Application (platform apps, root apps, and the services
 * ApplicationSet expanded per element) points at paths and value files that exist, pins what it
 * pulls from elsewhere, and syncs after whatever provides the CRDs it uses.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './deps.ts';
import { describe, type K8sObject, type Located } from './manifests.ts';

export const ourRepo = 'https://github.com/tasktide/tasktide.git';

/** ARCHITECTURE.md §6: CRDs/operators -> Dapr -> data -> monitoring -> services. */
export const layerOrder = ['foundation', 'operators', 'dapr', 'data', 'monitoring', 'services'];

/**
 * Which Application provides the CRDs of an API group (argoproj.io comes with Argo CD itself, except
 * Argo Rollouts' kinds in the same group: `argoproj.io/rollouts`, see crdGroupOf).
 */
export const crdProviders: Record<string, string> = {
  'argoproj.io/rollouts': 'argo-rollouts',
  'cert-manager.io': 'cert-manager',
  'traefik.io': 'traefik',
  'external-secrets.io': 'external-secrets',
  'postgresql.cnpg.io': 'cloudnative-pg',
  'keda.sh': 'keda',
  'dapr.io': 'dapr',
  'monitoring.coreos.com': 'kube-prometheus-stack',
};

const rolloutsKinds = new Set(['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment']);

/** The key of crdProviders an object's CRD comes under: its API group, Argo Rollouts' kinds apart. */
export function crdGroupOf(o: K8sObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return group === 'argoproj.io' && rolloutsKinds.has(o.kind) ? 'argoproj.io/rollouts' : group;
}

type Source = {
  repoURL: string;
  targetRevision?: string;
  path?: string;
  chart?: string;
  ref?: string;
  helm?: { valueFiles?: string[] };
};
export type App = { name: string; origin: string; wave: number; layer?: string; sources: Source[]; object: K8sObject };

const spec = (o: K8sObject) =>
  o.spec as { source?: Source; sources?: Source[]; template?: { spec: { sources: Source[] } } };

function toApp(object: K8sObject, origin: string): App {
  const annotations = (object.metadata.annotations ?? {}) as Record<string, string>;
  const labels = (object.metadata.labels ?? {}) as Record<string, string>;
  const s = spec(object);
  return {
    name: String(object.metadata.name),
    origin,
    wave: Number(annotations['argocd.argoproj.io/sync-wave'] ?? 0),
    layer: labels['tasktide.dev/layer'],
    sources: s.sources ?? (s.source ? [s.source] : []),
    object,
  };
}

/** Applications, with each ApplicationSet expanded over its list generator's elements. */
export function applications(items: Located[]): App[] {
  return items.flatMap(({ source, object }) => {
    if (object.kind === 'Application') return [toApp(object, source)];
    if (object.kind !== 'ApplicationSet') return [];
    const set = object.spec as { generators: { list?: { elements: Record<string, string>[] } }[]; template: unknown };
    const elements = set.generators.flatMap((g) => g.list?.elements ?? []);
    return elements.map((element) => {
      const text = JSON.stringify(set.template).replace(
        /\{\{\s*\.(\w+)\s*\}\}/g,
        (_, key: string) => element[key] ?? `<missing ${key}>`,
      );
      const template = JSON.parse(text) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      const app = toApp(
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { ...template.metadata, annotations: object.metadata.annotations },
          spec: template.spec,
        },
        `${source} (ApplicationSet ${String(object.metadata.name)})`,
      );
      return app;
    });
  });
}

const isFile = (p: string) => existsSync(join(repoRoot, p)) && statSync(join(repoRoot, p)).isFile();
const isDir = (p: string) => existsSync(join(repoRoot, p)) && statSync(join(repoRoot, p)).isDirectory();

/** Paths and value files exist in this repository. */
export function missingFiles(apps: App[]): string[] {
  return apps.flatMap((app) =>
    app.sources.flatMap((s) => {
      const where = `${app.origin}: Application ${app.name}`;
      const problems: string[] = [];
      if (s.repoURL === ourRepo && s.path && !isDir(s.path)) problems.push(`${where}: path ${s.path} does not exist`);
      for (const file of s.helm?.valueFiles ?? []) {
        if (file.startsWith('$values/')) {
          if (!app.sources.some((o) => o.ref === 'values' && o.repoURL === ourRepo))
            problems.push(`${where}: ${file} without a values ref source`);
          if (!isFile(file.slice('$values/'.length))) problems.push(`${where}: value file ${file} does not exist`);
        } else if (s.path && !isFile(join(s.path, file))) problems.push(`${where}: value file ${file} does not exist`);
      }
      return problems;
    }),
  );
}

/** Charts from elsewhere are pinned to an exact version; our repo follows its main branch (GitOps). */
export function unpinned(apps: App[]): string[] {
  const exact = /^v?[0-9]+\.[0-9]+\.[0-9]+$/;
  return apps.flatMap((app) =>
    app.sources.flatMap((s) => {
      const where = `${app.origin}: Application ${app.name}`;
      if (s.repoURL === ourRepo)
        return s.targetRevision === 'main' ? [] : [`${where}: our repo at ${s.targetRevision}, expected main`];
      if (!s.chart) return [`${where}: ${s.repoURL} is not a Helm chart repository`];
      return exact.test(s.targetRevision ?? '')
        ? []
        : [`${where}: chart ${s.chart} at "${s.targetRevision}" is not an exact version`];
    }),
  );
}

/** Sync waves follow the layer order: every app of an earlier layer syncs before any of a later one. */
export function wavesOutOfOrder(apps: App[]): string[] {
  const layered = apps.filter((a) => a.layer);
  const problems = layered
    .filter((a) => !layerOrder.includes(a.layer!))
    .map((a) => `${a.origin}: Application ${a.name} has unknown layer ${a.layer}`);
  for (const a of layered) {
    for (const b of layered) {
      if (layerOrder.indexOf(a.layer!) < layerOrder.indexOf(b.layer!) && a.wave >= b.wave) {
        problems.push(`${a.name} (${a.layer}, wave ${a.wave}) must sync before ${b.name} (${b.layer}, wave ${b.wave})`);
      }
    }
  }
  return [...new Set(problems)];
}

/** An app using a CRD syncs after the app that installs it. `kindsOf` lists the API groups an app deploys. */
export function dependencyInversions(apps: App[], groupsOf: (app: App) => string[]): string[] {
  const byName = new Map(apps.map((a) => [a.name, a]));
  return apps.flatMap((app) =>
    groupsOf(app).flatMap((group) => {
      const providerName = crdProviders[group];
      if (!providerName || providerName === app.name) return [];
      const provider = byName.get(providerName);
      if (!provider) return [`Application ${app.name} uses ${group} but no Application ${providerName} provides it`];
      return provider.wave < app.wave
        ? []
        : [`Application ${app.name} (wave ${app.wave}) uses ${group} from ${providerName} (wave ${provider.wave})`];
    }),
  );
}

/**
 * UI rollback sticks: parents do not re-enable auto-sync that an operator switched off — and they
 * ignore ONLY `/spec/syncPolicy/automated`: ignoring the whole syncPolicy would also keep syncOptions
 * and retry changed in git from ever reaching the existing Applications.
 */
export const AUTOMATED = '/spec/syncPolicy/automated';
export function rollbackBlockers(items: Located[], rootApp: K8sObject): string[] {
  const problems: string[] = [];
  const root = rootApp.spec as {
    ignoreDifferences?: { group?: string; kind: string; jsonPointers?: string[]; jqPathExpressions?: string[] }[];
    syncPolicy?: { syncOptions?: string[] };
  };
  const childRules = (root.ignoreDifferences ?? []).filter(
    (d) => d.group === 'argoproj.io' && d.kind === 'Application',
  );
  if (!childRules.some((d) => d.jsonPointers?.includes(AUTOMATED))) {
    problems.push(`${describe(rootApp)} does not ignore ${AUTOMATED} of child Applications`);
  }
  problems.push(...tooBroad(describe(rootApp), 'child Applications', childRules));
  if (!root.syncPolicy?.syncOptions?.includes('RespectIgnoreDifferences=true')) {
    problems.push(`${describe(rootApp)} lacks RespectIgnoreDifferences=true (selfHeal would undo the rollback)`);
  }
  for (const { object } of items.filter((i) => i.object.kind === 'ApplicationSet')) {
    const rules =
      (object.spec as { ignoreApplicationDifferences?: { jsonPointers?: string[]; jqPathExpressions?: string[] }[] })
        .ignoreApplicationDifferences ?? [];
    if (!rules.some((d) => d.jsonPointers?.includes(AUTOMATED))) {
      problems.push(`${describe(object)} does not ignore ${AUTOMATED} of the Applications it generates`);
    }
    problems.push(...tooBroad(describe(object), 'the Applications it generates', rules));
  }
  return problems;
}

/** Rules that hide more than the auto-sync switch: the whole spec, syncPolicy, its options or retry. */
function tooBroad(who: string, whose: string, rules: { jsonPointers?: string[]; jqPathExpressions?: string[] }[]) {
  const broad = new Set(['/spec', '/spec/syncPolicy', '/spec/syncPolicy/syncOptions', '/spec/syncPolicy/retry']);
  const jq = new Set(['.spec', '.spec.syncPolicy', '.spec.syncPolicy.syncOptions', '.spec.syncPolicy.retry']);
  return rules
    .flatMap((d) => [
      ...(d.jsonPointers ?? []).filter((p) => broad.has(p)),
      ...(d.jqPathExpressions ?? []).filter((p) => jq.has(p)),
    ])
    .map((p) => `${who} ignores ${p} of ${whose}: syncOptions/retry changed in git would never reach them`);
}

/** Every app's project exists and admits its sources and destination. */
export function projectViolations(apps: App[], items: Located[]): string[] {
  const projects = new Map(
    items
      .filter((i) => i.object.kind === 'AppProject')
      .map((i) => [
        String(i.object.metadata.name),
        i.object.spec as {
          sourceRepos: string[];
          destinations: { namespace: string }[];
        },
      ]),
  );
  return apps.flatMap((app) => {
    const s = app.object.spec as { project: string; destination: { namespace: string } };
    if (s.project === 'default') return [];
    const project = projects.get(s.project);
    if (!project) return [`Application ${app.name}: project ${s.project} does not exist`];
    const problems = app.sources
      .filter((src) => !project.sourceRepos.includes(src.repoURL))
      .map((src) => `Application ${app.name}: ${src.repoURL} not allowed by project ${s.project}`);
    if (!project.destinations.some((d) => d.namespace === s.destination.namespace)) {
      problems.push(
        `Application ${app.name}: namespace ${s.destination.namespace} not allowed by project ${s.project}`,
      );
    }
    return problems;
  });
}
