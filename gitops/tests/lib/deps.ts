/**
 * What the GitOps tests import from npm: gitops/ is a workspace of its own (gitops/package.json
 * declares yaml, kubernetes-models and the CRD model packages), so nothing is borrowed.
 */
import { join } from 'node:path';
import YAMLModule from 'yaml';

export const repoRoot = join(import.meta.dir, '..', '..', '..');

export const YAML = YAMLModule;

/** Imports a model module by name (packages there are ESM-only, resolved from this workspace). */
export async function importModel(specifier: string): Promise<Record<string, unknown>> {
  return import(specifier);
}
