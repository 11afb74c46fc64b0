#!/usr/bin/env bun
/**
 * Nothing forgotten when a service is added: every service under apps/ must have an image job in
 * release.yml, a gitops/services/<svc>/values.yaml naming a pushable image, a tag overlay per
 * cluster, and an entry in the Argo CD ApplicationSet that deploys services. An image matrix may
 * list the services literally or take them from the plan job (DERIVED_MATRIX), which prints
 * listServices() itself, so it cannot drift.
 *
 * The GitOps layers arrive in steps, so each check applies once its layer exists: values once
 * gitops/services/ exists, overlays once clusters/<cluster>/values/ exists, ApplicationSet entries
 * once an ApplicationSet for services exists. `gates` says which applied; a layer that exists is
 * checked strictly for every service. An ApplicationSet that is a Helm template (the app-of-apps
 * chart) is checked as Argo CD sees it: rendered with helm and the value files of the Application
 * in clusters/ that points at the chart.
 *
 *   bun scripts/ci/services-consistency.ts [--root <repo>]   (exit 1 when something is missing)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { CLUSTERS, type Cluster, COMMIT_SHA, GHCR_REPOSITORY, listServices, REPO_ROOT, valuesPath } from './layout.ts';

export const RELEASE_WORKFLOW = '.github/workflows/release.yml';
/** An image matrix that is the plan job's output of `bun scripts/ci/layout.ts services`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
export const DERIVED_MATRIX = '${{ fromJSON(needs.plan.outputs.services) }}';
const SERVICES_COMMAND = 'scripts/ci/layout.ts services';
/** What the image contains for the PreSync migration Job to run (scripts/ci/build-service.ts). */
export const MIGRATION_ENTRYPOINTS = ['/app/migrate.js', 'migrate.js'];

export type Check = 'release' | 'values' | 'overlay' | 'applicationset' | 'migration';
export interface Finding {
  /** A service, or the file for findings that are not about one service. */
  subject: string;
  check: Check;
  message: string;
}
export interface ConsistencyReport {
  services: string[];
  gates: { values: boolean; clusters: Cluster[]; applicationSets: string[] };
  findings: Finding[];
  /** Worth a look, not a failure (e.g. values for a service that is not in apps/ yet). */
  notes: string[];
}

type Doc = Record<string, unknown>;
const asRecord = (value: unknown): Doc => (value && typeof value === 'object' ? (value as Doc) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function checkConsistency(root: string = REPO_ROOT): ConsistencyReport {
  const services = listServices(root);
  const findings: Finding[] = [];
  const notes: string[] = [];
  const add = (subject: string, check: Check, message: string) => findings.push({ subject, check, message });

  checkReleaseMatrix(root, services, add);

  const valuesGate = existsSync(join(root, 'gitops/services'));
  if (valuesGate) checkBaseValues(root, services, add, notes);

  const clusters = CLUSTERS.filter((cluster) => existsSync(join(root, `clusters/${cluster}/values`)));
  for (const cluster of clusters) {
    for (const service of services) {
      const path = valuesPath(cluster, service);
      if (!existsSync(join(root, path))) {
        add(service, 'overlay', `${path} is missing (CI bumps the ${cluster} tag there)`);
        continue;
      }
      const tag = asRecord(readYaml(root, path)?.image).tag ?? '';
      if (!COMMIT_SHA.test(String(tag)))
        add(service, 'overlay', `${path}: image.tag must be a full commit SHA, got "${tag}"`);
    }
  }

  const appSets = findServiceApplicationSets(root);
  for (const { path, spec } of appSets) {
    const covered = generatedNames(asArray(spec.generators), root);
    for (const service of services) {
      if (!covered.has(service)) add(service, 'applicationset', `${path} does not generate an Application for it`);
    }
    if (!leavesSyncPolicyAlone(spec)) {
      add(
        path,
        'applicationset',
        'ignoreApplicationDifferences must cover /spec/syncPolicy/automated (and only that: ignoring the whole ' +
          'syncPolicy keeps syncOptions and retry changes from reaching existing Applications), or the ' +
          'ApplicationSet re-enables the auto-sync an operator turned off for a UI rollback',
      );
    }
  }

  return {
    services,
    gates: { values: valuesGate, clusters, applicationSets: appSets.map((a) => a.path) },
    findings,
    notes,
  };
}

function checkReleaseMatrix(root: string, services: string[], add: (s: string, c: Check, m: string) => void) {
  const workflow = readYaml(root, RELEASE_WORKFLOW);
  const jobs = Object.entries(asRecord(workflow?.jobs)).filter(([, job]) =>
    asArray(asRecord(job).steps).some((step) =>
      String(asRecord(step).uses ?? '').startsWith('docker/build-push-action@'),
    ),
  );
  if (jobs.length === 0) {
    for (const service of services) add(service, 'release', `${RELEASE_WORKFLOW} has no job building images`);
    return;
  }
  for (const [name, job] of jobs) {
    const listed = asRecord(asRecord(asRecord(job).strategy).matrix).service;
    if (listed === DERIVED_MATRIX && planPrintsServices(asRecord(workflow?.jobs), asRecord(job))) continue;
    if (!Array.isArray(listed)) {
      add(
        RELEASE_WORKFLOW,
        'release',
        `jobs.${name}.strategy.matrix.service must list the services literally (or be ${DERIVED_MATRIX}, ` +
          `with jobs.plan.outputs.services from a step running \`bun ${SERVICES_COMMAND}\`)`,
      );
      continue;
    }
    for (const service of services) {
      if (!listed.includes(service)) add(service, 'release', `missing from jobs.${name}.strategy.matrix.service`);
    }
    for (const extra of listed.filter((s) => !services.includes(String(s)))) {
      add(String(extra), 'release', `jobs.${name} builds "${extra}" but apps/${extra}/src/main.ts does not exist`);
    }
  }
}

/** True when `job` needs the plan job and that job outputs what `bun scripts/ci/layout.ts services` prints. */
function planPrintsServices(jobs: Doc, job: Doc): boolean {
  const needs = asArray(job.needs).length ? asArray(job.needs) : [job.needs];
  if (!needs.includes('plan')) return false;
  const plan = asRecord(jobs.plan);
  const stepId = String(asRecord(plan.outputs).services ?? '').match(
    /^\$\{\{\s*steps\.([\w-]+)\.outputs\.services\s*\}\}$/,
  )?.[1];
  return asArray(plan.steps)
    .map(asRecord)
    .some((step) => step.id === stepId && String(step.run ?? '').includes(SERVICES_COMMAND));
}

function checkBaseValues(
  root: string,
  services: string[],
  add: (s: string, c: Check, m: string) => void,
  notes: string[],
) {
  const owners = new Map<string, string>();
  for (const service of services) {
    const path = valuesPath('base', service);
    if (!existsSync(join(root, path))) {
      add(service, 'values', `${path} is missing`);
      continue;
    }
    const values = readYaml(root, path) ?? {};
    const image = asRecord(values.image);
    const repository = String(image.repository ?? '');
    if (!GHCR_REPOSITORY.test(repository)) {
      add(
        service,
        'values',
        `${path}: image.repository must be ghcr.io/<owner>/<name> in lowercase, got "${repository}"`,
      );
    } else if (owners.has(repository)) {
      add(service, 'values', `${path}: image.repository ${repository} is also ${owners.get(repository)}'s`);
    } else owners.set(repository, service);
    if (!COMMIT_SHA.test(String(image.tag ?? ''))) {
      add(service, 'values', `${path}: image.tag must be a full commit SHA, got "${image.tag ?? ''}"`);
    }
    checkMigration(root, service, path, asRecord(values.migration), add);
  }
  const dirs = readdirSync(join(root, 'gitops/services'), { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const dir of dirs.filter((d) => !services.includes(d.name))) {
    notes.push(`gitops/services/${dir.name}/ has no apps/${dir.name}/src/main.ts (not built or released yet)`);
  }
}

function checkMigration(
  root: string,
  service: string,
  path: string,
  migration: Doc,
  add: (s: string, c: Check, m: string) => void,
) {
  if (migration.enabled !== true) return;
  if (!existsSync(join(root, `apps/${service}/src/migrate.ts`))) {
    add(service, 'migration', `${path} enables migration but apps/${service}/src/migrate.ts does not exist`);
  } else if (!MIGRATION_ENTRYPOINTS.includes(String(migration.entrypoint ?? ''))) {
    add(
      service,
      'migration',
      `${path}: migration.entrypoint is "${migration.entrypoint ?? ''}" but the image runs its bundle as ` +
        `${MIGRATION_ENTRYPOINTS.join(' or ')} (there is no TypeScript source in the image)`,
    );
  }
}

/**
 * ApplicationSets that deploy the service chart or values: plain files under clusters/ and gitops/,
 * and those rendered from a chart that an Application under clusters/ points at.
 */
export function findServiceApplicationSets(root: string): Array<{ path: string; spec: Doc }> {
  const found: Array<{ path: string; spec: Doc }> = [];
  const deploysServices = (object: Doc) =>
    object.kind === 'ApplicationSet' && /gitops\/(charts\/service|services)\b/.test(JSON.stringify(object.spec));
  for (const top of ['clusters', 'gitops']) {
    if (!existsSync(join(root, top))) continue;
    for (const path of new Bun.Glob(`${top}/**/*.{yaml,yml}`).scanSync({ cwd: root })) {
      if (path.includes('/templates/') || path.includes('/node_modules/')) continue; // Helm templates are not YAML
      const text = readFileSync(join(root, path), 'utf8');
      if (!/kind:\s*Application/.test(text)) continue;
      for (const object of parseAllDocuments(text).map((doc) => asRecord(doc.toJS()))) {
        if (deploysServices(object)) found.push({ path, spec: asRecord(object.spec) });
        if (object.kind === 'Application' && top === 'clusters')
          found.push(...renderedApplicationSets(root, path, object));
      }
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));

  /** The service ApplicationSets a chart renders when `application` (in `path`) deploys it. */
  function renderedApplicationSets(root: string, path: string, application: Doc) {
    const spec = asRecord(application.spec);
    const rendered: Array<{ path: string; spec: Doc }> = [];
    for (const source of [...asArray(spec.sources), ...(spec.source ? [spec.source] : [])].map(asRecord)) {
      const chart = typeof source.path === 'string' ? normalize(source.path) : '';
      if (!chart || !existsSync(join(root, chart, 'Chart.yaml')) || !templatesMention(root, chart, 'ApplicationSet')) {
        continue;
      }
      const helm = asRecord(source.helm);
      const valueFiles = asArray(helm.valueFiles).map((file) =>
        String(file).startsWith('$values/') ? String(file).slice('$values/'.length) : join(chart, String(file)),
      );
      const release = String(helm.releaseName ?? asRecord(application.metadata).name ?? 'release');
      for (const object of helmTemplate(root, chart, release, valueFiles)) {
        if (deploysServices(object)) rendered.push({ path: `${path} → ${chart}`, spec: asRecord(object.spec) });
      }
    }
    return rendered;
  }
}

function templatesMention(root: string, chart: string, word: string): boolean {
  const templates = [...new Bun.Glob(`${chart}/templates/**/*.{yaml,yml,tpl}`).scanSync({ cwd: root })];
  return templates.some((file) => readFileSync(join(root, file), 'utf8').includes(word));
}

let helmPath: string | undefined;
/** `helm template` of a chart in `root`; helm comes from scripts/platform/install-helm.sh (cached). */
function helmTemplate(root: string, chart: string, release: string, valueFiles: string[]): Doc[] {
  if (!helmPath) {
    const install = Bun.spawnSync(['bash', join(REPO_ROOT, 'scripts/platform/install-helm.sh')]);
    const dir = install.stdout.toString().trim().split('\n').at(-1);
    if (install.exitCode !== 0 || !dir) throw new Error(`cannot get helm to render ${chart}: ${install.stderr}`);
    helmPath = join(dir, 'helm');
  }
  const args = [helmPath, 'template', release, chart, ...valueFiles.flatMap((file) => ['-f', file])];
  const run = Bun.spawnSync(args, { cwd: root });
  if (run.exitCode !== 0) throw new Error(`helm template ${chart} failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout.toString()).map((doc) => asRecord(doc.toJS()));
}

/** Names an ApplicationSet's generators produce: list elements, git directories and files, nested. */
function generatedNames(generators: unknown[], root: string): Set<string> {
  const names = new Set<string>();
  for (const generator of generators.map(asRecord)) {
    for (const element of asArray(asRecord(generator.list).elements)) {
      for (const value of Object.values(asRecord(element))) if (typeof value === 'string') names.add(value);
    }
    const git = asRecord(generator.git);
    const dirs = asArray(git.directories).map(asRecord);
    const excluded = new Set(dirs.filter((d) => d.exclude === true).flatMap((d) => globPaths(root, d.path, false)));
    for (const dir of dirs.filter((d) => d.exclude !== true)) {
      for (const path of globPaths(root, dir.path, false)) if (!excluded.has(path)) names.add(basename(path));
    }
    for (const file of asArray(git.files).map(asRecord)) {
      for (const path of globPaths(root, file.path, true)) {
        names.add(basename(path).replace(/\.[^.]+$/, ''));
        names.add(basename(dirname(path)));
      }
    }
    for (const nested of [asRecord(generator.matrix).generators, asRecord(generator.merge).generators]) {
      for (const name of generatedNames(asArray(nested), root)) names.add(name);
    }
  }
  return names;
}

function globPaths(root: string, pattern: unknown, onlyFiles: boolean): string[] {
  if (typeof pattern !== 'string' || pattern.includes('{{')) return [];
  return [...new Bun.Glob(pattern).scanSync({ cwd: root, onlyFiles })];
}

/**
 * True when the ApplicationSet leaves its Applications' auto-sync switch to the operator (a UI
 * rollback turns it off) and nothing more of the sync policy: syncOptions and retry still flow.
 */
function leavesSyncPolicyAlone(spec: Doc): boolean {
  const ignored = asArray(spec.ignoreApplicationDifferences).flatMap((rule) => {
    const { jsonPointers, jqPathExpressions } = asRecord(rule);
    return [...asArray(jsonPointers), ...asArray(jqPathExpressions).map((p) => String(p).replaceAll('.', '/'))];
  });
  return ignored.includes('/spec/syncPolicy/automated') && !ignored.includes('/spec/syncPolicy');
}

function readYaml(root: string, path: string): Doc | undefined {
  const file = join(root, path);
  return existsSync(file) ? asRecord(parse(readFileSync(file, 'utf8'))) : undefined;
}

/** Human-readable report; the CLI prints it and the tests log it. */
export function formatReport({ services, gates, findings, notes }: ConsistencyReport): string {
  const lines = [
    `services under apps/: ${services.join(', ') || '(none)'}`,
    `checked: release.yml matrix; values ${gates.values ? 'yes' : 'pending (no gitops/services/)'}; ` +
      `overlays ${gates.clusters.join(', ') || 'pending (no clusters/*/values/)'}; ` +
      `ApplicationSets ${gates.applicationSets.join(', ') || 'pending (none deploys gitops/services yet)'}`,
    ...findings.map((f) => `MISSING ${f.subject} [${f.check}]: ${f.message}`),
    ...notes.map((note) => `note: ${note}`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { root: { type: 'string' } } });
  const report = checkConsistency(values.root ?? REPO_ROOT);
  console.log(formatReport(report));
  process.exit(report.findings.length ? 1 : 0);
}
