/**
 * Where things live in the tasktide repository, as CI sees it: which apps are services, and which
 * values file holds a service's image for each overlay. The tag bump, the release plan, the smoke
 * test and the consistency check all ask here, so a layout change is made once.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository this script lives in (scripts/ci/ → repo root). */
export const REPO_ROOT = resolve(import.meta.dir, '../..');

/** Folders under apps/ that have a main.ts but are not deployed as a service. */
export const NON_SERVICE_APPS: ReadonlySet<string> = new Set(['dev', 'web']);

/** Clusters with a values overlay per service. `base` is the chart-wide default in gitops/services. */
export const CLUSTERS = ['minikube', 'oke'] as const;
export type Cluster = (typeof CLUSTERS)[number];
export type Overlay = Cluster | 'base';
export const OVERLAYS: readonly Overlay[] = ['base', ...CLUSTERS];

/** A full git commit SHA: the only image tag CI ever writes. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;
/** Where release pushes: GHCR, lowercase, no tag or digest (the tag is the commit SHA). */
export const GHCR_REPOSITORY = /^ghcr\.io\/[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._/-]*$/;

export function isOverlay(value: string): value is Overlay {
  return (OVERLAYS as readonly string[]).includes(value);
}

/**
 * Services are the folders `apps/<name>` with a `src/main.ts`, except dev and web; sorted.
 *
 * @example
 * listServices('/work/main') // ['api', 'notifier', …]
 */
export function listServices(root: string = REPO_ROOT): string[] {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NON_SERVICE_APPS.has(entry.name))
    .filter((entry) => existsSync(join(apps, entry.name, 'src', 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Repo-relative path of the values file holding `service`'s image for `overlay`. */
export function valuesPath(overlay: Overlay, service: string): string {
  return overlay === 'base' ? `gitops/services/${service}/values.yaml` : `clusters/${overlay}/values/${service}.yaml`;
}

if (import.meta.main) {
  // `bun scripts/ci/layout.ts services`: the services as a JSON array, which release.yml's plan job
  // hands to its image matrices (fromJSON), so the workflow keeps no list of its own.
  if (Bun.argv[2] !== 'services') {
    console.error('usage: bun scripts/ci/layout.ts services');
    process.exit(2);
  }
  console.log(JSON.stringify(listServices()));
}
