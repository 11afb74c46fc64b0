/**
 * gitops/ is not a workspace package, so its tests borrow the dependencies the `scripts` workspace
 * declares (yaml, kubernetes-models and the CRD model packages): resolved from there, not hoisted.
 */
import { join } from 'node:path';

export const repoRoot = join(import.meta.dir, '..', '..', '..');
const scriptsDir = join(repoRoot, 'scripts');

export const YAML: typeof import('../../../scripts/node_modules/yaml') = await import(
  Bun.resolveSync('yaml', scriptsDir)
);

/** Imports a module as the scripts workspace would (packages there are ESM-only, import-condition). */
export async function importFromScripts(specifier: string): Promise<Record<string, unknown>> {
  return import(Bun.resolveSync(specifier, scriptsDir));
}
