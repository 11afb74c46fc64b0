import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * cert-manager's source chart is assembled by its release (make/manifests.mk): Chart.yaml from
 * Chart.template.yaml with the version set, and templates/crds.yaml as deploy/crds/*.yaml joined
 * with document separators (hack/concat-yaml.sh). The CRD sources carry the Helm conditions already.
 */
export function prepareCertManager(chart: string, version: string, moduleDir: string) {
  const template = readFileSync(join(chart, 'Chart.template.yaml'), 'utf8')
    .replace(/^version: .*$/m, `version: ${version}`)
    .replace(/^appVersion: .*$/m, `appVersion: ${version}`)
    .replace('{{IS_PRERELEASE}}', 'false');
  writeFileSync(join(chart, 'Chart.yaml'), template);
  renameSync(join(chart, 'Chart.template.yaml'), join(chart, '.Chart.template.yaml.orig'));
  const crdDir = join(moduleDir, 'deploy', 'crds');
  const crds = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(join(crdDir, f), 'utf8').trimEnd());
  writeFileSync(join(chart, 'templates', 'crds.yaml'), `${crds.join('\n\n---\n')}\n`);
}
