/**
 * The rules the workflows promise in docs/release.md, checked on the files: actions pinned by
 * commit SHA, least privilege per job, no expressions spliced into shell, releases only after CI
 * on main, bump commits that cannot start another release.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './layout.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML, navigated freely by the assertions
type Doc = Record<string, any>;
/** `${{ inner }}` — GitHub's expression syntax, spelled without tripping the JS template lint. */
const expr = (inner: string) => `$\{{ ${inner} }}`;
const glob = (pattern: string) => [...new Bun.Glob(pattern).scanSync({ cwd: REPO_ROOT, dot: true })];
const files = [...glob('.github/workflows/*.yml'), ...glob('.github/actions/*/action.yml')].sort();
const text = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const workflow = (name: string): Doc => parse(text(`.github/workflows/${name}`));
const workflows = files.filter((f) => f.includes('/workflows/'));
const stepsOf = (doc: Doc): Doc[] => [
  ...Object.values<Doc>(doc.jobs ?? {}).flatMap((job) => job.steps ?? []),
  ...(doc.runs?.steps ?? []),
];

describe('every action is pinned to a full commit SHA with its version beside it', () => {
  test('reads the workflows and local actions', () => expect(files.length).toBeGreaterThanOrEqual(4));

  test.each(files)('%s', (path) => {
    const uses = text(path)
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      .map((line) => line.replace(/^\s*(-\s+)?uses:\s*/, ''));
    const unpinned = uses.filter(
      (u) => !u.startsWith('./') && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/.test(u),
    );
    expect(unpinned).toEqual([]);
  });

  test('one action, one SHA: the same action is pinned identically everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const path of files) {
      for (const [, action, sha] of text(path).matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g)) {
        pins.set(action!, (pins.get(action!) ?? new Set()).add(sha!));
      }
    }
    expect([...pins].filter(([, shas]) => shas.size > 1).map(([action]) => action)).toEqual([]);
  });
});

describe.each(workflows)('%s', (path) => {
  const doc: Doc = parse(text(path));
  const jobs = Object.entries<Doc>(doc.jobs ?? {});

  test('grants nothing at the top; each job asks for its own permissions', () => {
    const top = doc.permissions ?? 'unset';
    expect(top === 'unset' ? 'unset' : JSON.stringify(top)).toBeOneOf(['{}', '{"contents":"read"}']);
    expect(jobs.filter(([, job]) => !job.permissions).map(([name]) => name)).toEqual([]);
  });

  test('never splices expressions into a shell script (inputs travel through env)', () => {
    const spliced = stepsOf(doc).filter((step) => typeof step.run === 'string' && step.run.includes('$' + '{{'));
    expect(spliced.map((step) => step.name ?? step.run)).toEqual([]);
  });

  test('has a concurrency group and never runs fork code with secrets', () => {
    const grouped = doc.concurrency || jobs.every(([, job]) => job.concurrency);
    expect(Boolean(grouped)).toBe(true);
    expect(Object.keys(doc.on ?? {})).not.toContain('pull_request_target');
  });

  test('never tags or runs an image as latest', () => {
    expect(text(path)).not.toMatch(/:latest\b/);
  });
});

describe('CI and release wiring', () => {
  const ci = workflow('ci.yml');
  const release = workflow('release.yml');

  test('CI runs exactly what a user types, plus actionlint', () => {
    const runs = stepsOf(ci)
      .map((step) => step.run)
      .filter(Boolean);
    expect(runs).toContain('./run test');
    expect(runs.some((run: string) => run.includes('rhysd/actionlint/cmd/actionlint@v'))).toBe(true);
  });

  test('release starts only from a successful CI run of a push to main in this repository', () => {
    expect(release.on.workflow_run).toEqual({ workflows: [ci.name], types: ['completed'], branches: ['main'] });
    const gate: string = release.jobs.plan.if;
    for (const clause of [
      "github.event.workflow_run.conclusion == 'success'",
      "github.event.workflow_run.event == 'push'",
      'github.event.workflow_run.head_repository.full_name == github.repository',
    ]) {
      expect(gate).toContain(clause);
    }
  });

  test('pull requests build images but push nothing; only the publish job can write packages', () => {
    expect(release.jobs['image-build'].if).toBe("needs.plan.outputs.publish == 'false'");
    const buildStep = release.jobs['image-build'].steps.find((s: Doc) => s.uses?.startsWith('docker/build-push'));
    expect(buildStep.with.push).toBe(false);
    const writers = Object.entries<Doc>(release.jobs).filter(([, job]) => job.permissions?.packages === 'write');
    expect(writers.map(([name]) => name)).toEqual(['image-publish']);
  });

  test('publish builds both platforms, attests SBOM + provenance, tags the commit SHA and signs by digest', () => {
    const publish = release.jobs['image-publish'];
    const push = publish.steps.find((s: Doc) => s.id === 'push');
    expect(push.with).toMatchObject({
      push: true,
      sbom: true,
      provenance: 'mode=max',
      platforms: 'linux/amd64,linux/arm64',
    });
    expect(push.with.tags).toBe(`${expr('steps.image.outputs.repository')}:${expr('needs.plan.outputs.sha')}`);
    expect(publish.permissions['id-token']).toBe('write');
    const sign = publish.steps.find((s: Doc) => s.run?.includes('cosign sign'));
    expect(sign.run).toContain('cosign sign --yes "$' + '{IMAGE}@$' + '{DIGEST}"');
    expect(sign.env.DIGEST).toBe(expr('steps.push.outputs.digest'));
  });

  test('bump commits cannot start another release', () => {
    const deploy = release.jobs['deploy-minikube'];
    const bump = deploy.steps.find((s: Doc) => s.run?.includes('commit-bump.ts'));
    expect(bump.run).toContain('[skip ci]');
    expect(bump.run).toContain('--forward-only');
    const pin = workflow('pin.yml');
    expect(pin.jobs.pin.steps.some((s: Doc) => s.run?.includes('[skip ci]'))).toBe(true);
  });

  test('minikube is bumped directly, OKE through a pull request, both serialized', () => {
    expect(release.jobs['deploy-minikube'].concurrency.group).toBe('gitops-write');
    expect(workflow('pin.yml').jobs.pin.concurrency.group).toBe('gitops-write');
    const oke = release.jobs['promote-oke'];
    expect(oke.steps.some((s: Doc) => s.run?.includes('--overlay oke'))).toBe(true);
    expect(oke.steps.some((s: Doc) => s.uses?.startsWith('peter-evans/create-pull-request@'))).toBe(true);
  });

  test('the pin workflow is manual and uses the same tag-bump script', () => {
    const pin = workflow('pin.yml');
    expect(Object.keys(pin.on)).toEqual(['workflow_dispatch']);
    const runs = stepsOf(pin)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(runs).toContain('scripts/ci/commit-bump.ts');
    expect(runs).toContain('scripts/tag-bump/tag-bump.ts');
    expect(runs).toContain('cosign verify');
  });
});
