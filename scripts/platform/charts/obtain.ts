#!/usr/bin/env bun
/**
 * Obtains the pinned third-party charts (and CRDs) for the cluster test tier from Go modules, into
 * $TASKTIDE_CACHE/charts/<component>-<version>/ (idempotent: a second run reads the cached result).
 *
 *   bun scripts/platform/charts/obtain.ts            every pin in gitops/apps/values.yaml + Argo CD
 *   bun scripts/platform/charts/obtain.ts dapr@1.18.1
 *
 * Prints one line per component: what was obtained (chart / CRDs only / nothing) and why not.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { goModuleDir } from './go.ts';
import { copyWritable, filesUnder } from './prepare/common.ts';
import { recipes } from './recipes.ts';

export interface Obtained {
  /** Hash of the recipe scripts that made it: a changed recipe re-obtains instead of reusing. */
  stamp?: string;
  component: string;
  version: string;
  /** A chart directory ready for `helm template`, when the real chart could be had. */
  chart?: string;
  /** CRD files to apply when only they could be had (the chart's own CRDs render with the chart). */
  crds: string[];
  /** Where it came from: module@version and path. */
  from?: string;
  /** Why the chart itself is not here (named in the tier's output). */
  missing?: string;
}

const REPO = join(import.meta.dir, '..', '..', '..');

/** Changes whenever a script in this folder changes (recipes, preparation). */
const stamp = (() => {
  const hash = new Bun.CryptoHasher('sha256');
  for (const file of filesUnder(import.meta.dir, /\.ts$/).sort()) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
})();
export const cacheRoot = () =>
  join(
    process.env.TASKTIDE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tasktide'),
    'charts',
  );

/** The Argo CD version the bootstraps install (clusters/minikube/bootstrap.sh). */
export function argocdVersion(): string {
  const script = readFileSync(join(REPO, 'clusters/minikube/bootstrap.sh'), 'utf8');
  const version = script.match(/^ARGOCD_VERSION="([^"]+)"/m)?.[1];
  if (!version) throw new Error('clusters/minikube/bootstrap.sh: no ARGOCD_VERSION');
  return version;
}

/** component -> pinned chart version, from gitops/apps/values.yaml. */
export function pinnedCharts(): Record<string, string> {
  const values = parse(readFileSync(join(REPO, 'gitops/apps/values.yaml'), 'utf8')) as {
    components: Record<string, { chart?: { version: string } }>;
  };
  return Object.fromEntries(
    Object.entries(values.components).flatMap(([name, c]) => (c.chart ? [[name, String(c.chart.version)]] : [])),
  );
}

function fresh(component: string, version: string): Obtained {
  const key = `${component}@${version}`;
  const recipe = recipes[key];
  if (!recipe) {
    return {
      component,
      version,
      crds: [],
      missing: `no recipe for ${key} in scripts/platform/charts/recipes.ts (a pin changed: add the Go module that ships it)`,
    };
  }
  if (recipe.kind === 'none') return { component, version, crds: [], missing: recipe.missing };
  const dir = join(cacheRoot(), `${component}-${version}`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  let moduleDir: string;
  try {
    moduleDir = goModuleDir(
      recipe.module,
      recipe.moduleVersion,
      'goToolchain' in recipe ? recipe.goToolchain : undefined,
    );
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    return { component, version, crds: [], missing: (err as Error).message };
  }
  const from = `${recipe.module}@${recipe.moduleVersion}`;
  let result: Obtained;
  if (recipe.kind === 'chart') {
    copyWritable(join(moduleDir, recipe.chartDir), join(partial, 'chart'));
    recipe.prepare?.(join(partial, 'chart'), version, moduleDir);
    result = { component, version, chart: join(dir, 'chart'), crds: [], from: `${from} ${recipe.chartDir}` };
  } else {
    mkdirSync(join(partial, 'crds'));
    const files = recipe.crds.flatMap((pattern) => {
      const re = new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`);
      return filesUnder(moduleDir, /\.ya?ml$/)
        .filter((f) => re.test(relative(moduleDir, f)))
        .sort();
    });
    if (!files.length) throw new Error(`${from}: no file matches ${recipe.crds.join(', ')}`);
    const crds = files.map((file, i) => {
      const name = `${String(i).padStart(2, '0')}-${file
        .split('/')
        .at(-1)!
        .replace(/\.yml$/, '.yaml')}`;
      writeFileSync(join(partial, 'crds', name), readFileSync(file));
      return join(dir, 'crds', name);
    });
    result = { component, version, crds, from: `${from} ${recipe.crds.join(' ')}`, missing: recipe.missing };
  }
  writeFileSync(join(partial, 'result.json'), `${JSON.stringify({ ...result, stamp }, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return result;
}

/** The cached result for component@version, obtaining it first if needed. */
export function obtain(component: string, version: string): Obtained {
  const cached = join(cacheRoot(), `${component}-${version}`, 'result.json');
  if (existsSync(cached)) {
    const result = JSON.parse(readFileSync(cached, 'utf8')) as Obtained;
    if (result.stamp === stamp) return result;
  }
  return fresh(component, version);
}

/** Every pinned chart plus Argo CD's CRDs, one after another (each may be a large download). */
export function obtainAll(): Obtained[] {
  const wanted = { ...pinnedCharts(), argocd: argocdVersion() };
  return Object.entries(wanted).map(([component, version]) => obtain(component, version));
}

export function describeObtained(o: Obtained): string {
  const what = o.chart ? 'chart' : o.crds.length ? `CRDs only (${o.crds.length} files)` : 'NOT OBTAINED';
  const tail = [o.from && `from ${o.from}`, o.missing && !o.chart && `chart: ${o.missing}`].filter(Boolean).join('; ');
  return `${`${o.component}@${o.version}`.padEnd(30)} ${what}${tail ? ` — ${tail}` : ''}`;
}

if (import.meta.main) {
  const args = Bun.argv.slice(2);
  const results = args.length
    ? args.map((arg) => {
        const [component, version] = arg.split('@');
        if (!component || !version) throw new Error(`usage: obtain.ts [<component>@<version> …]`);
        return obtain(component, version);
      })
    : obtainAll();
  for (const r of results) console.log(describeObtained(r));
}
