import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot, YAML } from './deps.ts';

/** A Kubernetes object plus where it came from, for messages that point at the file. */
export type K8sObject = { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<
  string,
  unknown
>;
export type Located = { source: string; object: K8sObject };

export function walk(dir: string, accept: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && !name.startsWith('.')) out.push(...walk(path, accept));
    } else if (accept(path)) out.push(path);
  }
  return out.sort();
}

export const isYaml = (path: string) => /\.ya?ml$/.test(path);

/** Parses a multi-document YAML string into objects (empty documents dropped). */
export function parseDocuments(text: string, source: string): Located[] {
  return YAML.parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object')
    .map((object) => ({ source, object }));
}

/** Hand-written Kubernetes manifests: everything Argo CD applies as plain YAML from this repo. */
export const manifestDirs = ['gitops/platform', 'gitops/argocd', 'clusters/minikube', 'clusters/oke'];

let cached: Located[] | undefined;

/** Parsed once per run; callers get the shared array and must not mutate it (use fixtures.broken). */
export function handWrittenManifests(): Located[] {
  cached ??= manifestDirs
    .flatMap((dir) => walk(join(repoRoot, dir), isYaml))
    .map((path) => relative(repoRoot, path))
    .filter((path) => !path.includes('/values/') && !path.includes('/tofu/'))
    .flatMap((path) => parseDocuments(readFileSync(join(repoRoot, path), 'utf8'), path));
  return cached;
}

export const describe = (o: K8sObject) => `${o.kind}/${String(o.metadata?.name ?? '?')}`;
