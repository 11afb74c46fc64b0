import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitFixture, type GitFixture, overlayWithTag } from './git-fixture.ts';
import { planRelease } from './release-plan.ts';

let fx: GitFixture;
beforeEach(() => {
  fx = createGitFixture();
});
afterEach(() => fx.cleanup());

/** Points the minikube overlays of the fixture's services at `tag`, in one commit. */
const deploy = (tag: string) =>
  fx.commit(
    fx.seed,
    {
      'clusters/minikube/values/api.yaml': overlayWithTag(tag),
      'clusters/minikube/values/notifier.yaml': overlayWithTag(tag),
    },
    `Deploy ${tag} to minikube [skip ci]`,
  );

describe('planRelease', () => {
  test('builds when minikube runs a tag that is not a commit of this history', () => {
    const head = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    const plan = planRelease({ root: fx.seed, sha: head });
    expect(plan.build).toBe(true);
    expect(plan.reason).toContain('not an ancestor');
  });

  test('skips a commit that only bumped tags: the release loop stops there', () => {
    const code = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    const bump = deploy(code);
    expect(planRelease({ root: fx.seed, sha: bump })).toEqual({
      build: false,
      reason: `only deploy files changed since ${code}; nothing new to build`,
    });
  });

  test('skips merged OKE promotions, docs and Markdown, builds for code', () => {
    const code = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    deploy(code);
    const promotion = fx.commit(fx.seed, { 'clusters/oke/values/api.yaml': overlayWithTag(code) }, 'Promote to OKE');
    expect(planRelease({ root: fx.seed, sha: promotion }).build).toBe(false);
    const docs = fx.commit(fx.seed, { 'docs/release.md': '# Release\n', 'README.md': '# tasktide\n' }, 'docs');
    expect(planRelease({ root: fx.seed, sha: docs }).build).toBe(false);
    const chart = fx.commit(fx.seed, { 'gitops/charts/service/values.yaml': 'port: 3000\n' }, 'chart');
    expect(planRelease({ root: fx.seed, sha: chart }).build).toBe(false);
    const next = fx.commit(fx.seed, { 'packages/db/src/index.ts': 'export {};\n' }, 'db: change');
    const plan = planRelease({ root: fx.seed, sha: next });
    expect(plan.build).toBe(true);
    expect(plan.reason).toContain('packages/db/src/index.ts');
  });

  test('judges against every deployed tag: one service behind is enough to build', () => {
    const v2 = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    deploy(v2);
    const v3 = fx.commit(fx.seed, { 'apps/notifier/src/main.ts': 'export {};\n// v3\n' }, 'notifier: v3');
    fx.commit(fx.seed, { 'clusters/minikube/values/notifier.yaml': overlayWithTag(v3) }, 'deploy notifier v3');
    // api still runs v2, and the notifier change since v2 is an image input.
    const head = fx.commit(fx.seed, { 'docs/x.md': 'x\n' }, 'docs');
    expect(planRelease({ root: fx.seed, sha: head }).build).toBe(true);
  });

  test('nothing to do when minikube already runs the commit', () => {
    const code = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    deploy(code);
    expect(planRelease({ root: fx.seed, sha: code }).build).toBe(false);
  });
});

describe('release-plan CLI', () => {
  const script = join(import.meta.dir, 'release-plan.ts');
  let outputs = '';
  beforeEach(() => {
    outputs = join(mkdtempSync(join(tmpdir(), 'gh-output-')), 'out');
  });
  afterEach(() => rmSync(join(outputs, '..'), { recursive: true, force: true }));

  test('a pull request builds and never publishes', () => {
    const sha = 'a'.repeat(40);
    const run = Bun.spawnSync(['bun', script, '--event', 'pull_request', '--sha', sha], {
      env: { ...process.env, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: '' },
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(outputs, 'utf8')).toBe(
      `sha=${sha}\npublish=false\nbuild=true\nreason=pull request: build only\n`,
    );
  });

  test.each([
    ['a short SHA', ['--event', 'workflow_run', '--sha', 'abc123']],
    ['no event', ['--sha', 'a'.repeat(40)]],
    ['an unknown overlay', ['--event', 'workflow_run', '--sha', 'a'.repeat(40), '--overlay', 'prod']],
  ])('refuses %s', (_name, args) => {
    expect(Bun.spawnSync(['bun', script, ...args]).exitCode).toBe(2);
  });
});
