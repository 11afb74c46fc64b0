#!/usr/bin/env bun
/**
 * Decides what the release workflow does for one commit:
 *   publish  push images and bump tags (a push to main that passed CI) — or only build them (PRs)
 *   build    whether anything an image contains changed since what minikube runs now
 *
 * Skipping commits that change only clusters/, gitops/, docs/ or Markdown is what stops the
 * release loop: merging the OKE promotion PR (or a pin) changes only tag files, so it builds
 * nothing and bumps nothing. Writes `sha`, `publish`, `build` and `reason` to $GITHUB_OUTPUT.
 *
 *   bun scripts/ci/release-plan.ts --event workflow_run --sha <commit> [--overlay minikube]
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readImageTag } from '../tag-bump/bump.ts';
import { git, isAncestor } from './git.ts';
import { COMMIT_SHA, isOverlay, listServices, type Overlay, REPO_ROOT, valuesPath } from './layout.ts';

/** Paths that reach the cluster through Argo CD, not through an image. */
export const DEPLOY_ONLY = [/^clusters\//, /^gitops\//, /^docs\//, /\.md$/];

export interface ReleasePlan {
  build: boolean;
  reason: string;
}

/** Whether `sha` needs new images, judged against the tags `overlay` runs now. */
export function planRelease({
  sha,
  overlay = 'minikube',
  root = REPO_ROOT,
}: {
  sha: string;
  overlay?: Overlay;
  root?: string;
}): ReleasePlan {
  const deployed = new Set<string>();
  for (const service of listServices(root)) {
    const file = join(root, valuesPath(overlay, service));
    const tag = existsSync(file) ? readImageTag(readFileSync(file, 'utf8')) : null;
    if (tag) deployed.add(tag);
  }
  if (deployed.size === 0) return { build: true, reason: `no ${overlay} tag deployed yet` };

  const changed = new Set<string>();
  for (const tag of deployed) {
    if (tag === sha) continue;
    if (!COMMIT_SHA.test(tag) || !isAncestor(root, tag, sha)) {
      return { build: true, reason: `${overlay} runs ${tag}, which is not an ancestor of ${sha}` };
    }
    const diff = git(root, 'diff', '--name-only', tag, sha);
    if (!diff.ok) return { build: true, reason: `cannot diff ${tag}..${sha}: ${diff.stderr}` };
    for (const path of diff.stdout.split('\n').filter(Boolean)) changed.add(path);
  }
  if (changed.size === 0)
    return { build: false, reason: `nothing changed since ${overlay}'s ${[...deployed].join(', ')}` };
  const imageInputs = [...changed].filter((path) => !DEPLOY_ONLY.some((pattern) => pattern.test(path)));
  if (imageInputs.length === 0) {
    return {
      build: false,
      reason: `only deploy files changed since ${[...deployed].join(', ')}; nothing new to build`,
    };
  }
  const sample = imageInputs.slice(0, 5).join(', ');
  return { build: true, reason: `${imageInputs.length} file(s) images are built from changed (${sample}…)` };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { event: { type: 'string' }, sha: { type: 'string' }, overlay: { type: 'string', default: 'minikube' } },
  });
  const { event, sha, overlay } = values;
  if (!sha || !COMMIT_SHA.test(sha) || !event || !isOverlay(overlay ?? '')) {
    console.error('usage: release-plan --event <pull_request|workflow_run> --sha <40-hex commit> [--overlay minikube]');
    process.exit(2);
  }
  const publish = event === 'workflow_run';
  const plan = publish
    ? planRelease({ sha, overlay: overlay as Overlay })
    : { build: true, reason: 'pull request: build only' };
  const outputs = { sha, publish: String(publish), build: String(plan.build), reason: plan.reason };
  for (const [key, value] of Object.entries(outputs)) console.log(`${key}=${value}`);
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      `### Release plan for \`${sha}\`\n\n- publish: ${publish}\n- build: ${plan.build} — ${plan.reason}\n`,
    );
  }
}
