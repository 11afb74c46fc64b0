// Offline tier: yamllint over every YAML file under gitops/ and clusters/, shellcheck over the
// platform shell scripts (including the topic script embedded in a ConfigMap). Both tools come from
// Debian via scripts/platform/install-lint-tools.sh; each check also fails a broken fixture.
import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lib/deps.ts';
import { tempFile } from './lib/fixtures.ts';
import { handWrittenManifests } from './lib/manifests.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const yamllintConfig = join(repoRoot, 'gitops/.yamllint.yaml');
const shellScripts = [
  'scripts/platform/install-helm.sh',
  'scripts/platform/install-lint-tools.sh',
  'scripts/platform/install-promtool.sh',
  'clusters/minikube/bootstrap.sh',
  'scripts/cluster/dapr-injector/install.sh',
  'scripts/platform/install-redis.sh',
  'scripts/platform/argocd/install.sh',
  'scripts/platform/tofu/install.sh',
  'scripts/cluster/argocd/shims/kubectl',
  'scripts/cluster/argocd/shims/minikube',
].map((p) => join(repoRoot, p));

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8' });
const yamllint = (...targets: string[]) =>
  run('yamllint', ['-c', yamllintConfig, '-f', 'parsable', '--strict', ...targets]);
const shellcheck = (...files: string[]) => run('shellcheck', ['-x', '--source-path=SCRIPTDIR', ...files]);

function topicsScript(): string {
  const cm = handWrittenManifests().find(
    ({ object }) => object.kind === 'ConfigMap' && object.metadata.name === 'kafka-topics',
  );
  if (!cm) throw new Error('ConfigMap kafka-topics not found');
  return tempFile('create-topics.sh', (cm.object.data as Record<string, string>)['create-topics.sh']!);
}

beforeAll(() => {
  const res = run('bash', [join(repoRoot, 'scripts/platform/install-lint-tools.sh')]);
  if (res.status !== 0) throw new Error(`install-lint-tools.sh failed: ${res.stderr}`);
});

describe('yamllint', () => {
  test('every YAML file under gitops/ and clusters/ is clean', () => {
    const res = yamllint('gitops', 'clusters');
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
  });
  test('catches a broken fixture (duplicate key, bad indentation)', () => {
    const res = yamllint(tempFile('broken.yaml', 'metadata:\n  name: a\n  name: b\nspec:\n   replicas: 1\n'));
    expect(res.status).not.toBe(0);
    expect(res.stdout).toContain('duplication of key "name"');
    expect(res.stdout).toContain('wrong indentation');
  });
});

describe('shellcheck', () => {
  test('platform scripts and the embedded topic script are clean', () => {
    const res = shellcheck(...shellScripts, topicsScript());
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
  });
  test('catches a broken fixture (unquoted expansion)', () => {
    const res = shellcheck(tempFile('broken.sh', '#!/bin/sh\nrm -rf $1/tmp\n'));
    expect(res.status).not.toBe(0);
    expect(res.stdout).toContain('SC2086');
  });
});
