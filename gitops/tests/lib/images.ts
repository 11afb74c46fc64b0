/**
 * Committed image tags must name images CI can build: each tag is a commit of this repository whose
 * tree holds the Dockerfile and the service's entry point (what `docker build --build-arg APP=<svc>`
 * reads). A tag from before the Dockerfile or the service existed can never have an image.
 */
import { spawnSync } from 'node:child_process';
import { repoRoot } from './deps.ts';

const git = (...args: string[]) => spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' });

export type TagRef = { file: string; service: string; tag: string };

export function isShallow(): boolean {
  return git('rev-parse', '--is-shallow-repository').stdout.trim() === 'true';
}

/** Why `tag` cannot be the image of `service`, or undefined when it can. */
export function unbuildable({ file, service, tag }: TagRef): string | undefined {
  const where = `${file}: image.tag ${tag} (${service})`;
  if (git('cat-file', '-e', `${tag}^{commit}`).status !== 0) return `${where} is not a commit of this repository`;
  if (git('merge-base', '--is-ancestor', tag, 'HEAD').status !== 0) return `${where} is not in the history of HEAD`;
  for (const path of ['Dockerfile', `apps/${service}/src/main.ts`]) {
    if (git('cat-file', '-e', `${tag}:${path}`).status !== 0) {
      return `${where} predates ${path}: no image can exist for it`;
    }
  }
  return undefined;
}
