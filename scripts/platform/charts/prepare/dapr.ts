import { filesUnder, replaceInFile } from './common.ts';

/**
 * Dapr's source chart says version '0.0.0' and image tag 'edge'; its release
 * (.github/scripts/set_helm_dapr_version.sh) replaces both in every Chart.yaml and values.yaml.
 */
export function prepareDapr(chart: string, version: string) {
  for (const file of filesUnder(chart, /(^|\/)(Chart|values)\.yaml$/)) {
    replaceInFile(file, [
      ["'0.0.0'", `'${version}'`],
      ["'edge'", `'${version}'`],
    ]);
  }
}
