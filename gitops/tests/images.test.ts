// Offline tier: every committed image tag names a commit CI can build an image from (blocker 5 of
// issue #16: tags from before the Dockerfile and the services meant the first sync pulled nothing).
// Whether the image was pushed is checked by clusters/minikube/bootstrap.sh against the registry.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, YAML } from './lib/deps.ts';
import { isShallow, type TagRef, unbuildable } from './lib/images.ts';
import { clusters, services } from './lib/render.ts';

const tagOf = (file: string) => String(YAML.parse(readFileSync(join(repoRoot, file), 'utf8'))?.image?.tag ?? '');
const refs: TagRef[] = services.flatMap((service) =>
  [`gitops/services/${service}/values.yaml`, ...clusters.map((c) => `clusters/${c}/values/${service}.yaml`)].map(
    (file) => ({ file, service, tag: tagOf(file) }),
  ),
);

describe('committed image tags', () => {
  test('the repository has its history (CI checks out with fetch-depth 0)', () => {
    expect(isShallow()).toBe(false);
  });

  test.each(
    refs.map((r) => [r.file, r] as const),
  )('%s names a commit with the Dockerfile and the service', (_, ref) => {
    expect(unbuildable(ref)).toBeUndefined();
  });
});

describe('the tag check catches broken fixtures', () => {
  test('a tag from before the Dockerfile (the first commit)', () => {
    const first = Bun.spawnSync(['git', '-C', repoRoot, 'rev-list', '--max-parents=0', 'HEAD'])
      .stdout.toString()
      .trim();
    expect(unbuildable({ file: 'fixture.yaml', service: 'api', tag: first })).toContain('predates Dockerfile');
  });
  test('a SHA that is no commit here', () => {
    const tag = 'f'.repeat(40);
    expect(unbuildable({ file: 'fixture.yaml', service: 'api', tag })).toContain('is not a commit of this repository');
  });
  test('a service the tagged commit does not contain', () => {
    const tag = tagOf('clusters/oke/values/api.yaml');
    expect(unbuildable({ file: 'fixture.yaml', service: 'ghost', tag })).toContain('predates apps/ghost/src/main.ts');
  });
});
