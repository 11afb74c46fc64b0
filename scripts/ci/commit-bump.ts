#!/usr/bin/env bun
/**
 * Commits a tag bump to a branch and pushes it, surviving push races: each attempt fetches the
 * branch, resets to it, re-applies the (idempotent) bump and pushes; a rejected push waits and
 * tries again. Re-applying on the fresh tip is rebase-and-retry without conflicts — the bump is
 * recomputed rather than replayed.
 *
 * --forward-only (the release) leaves a service alone when the overlay already runs a newer commit
 * than --tag, so a slow release of an older commit never rolls minikube back. The pin workflow
 * omits it: going back is its point.
 *
 *   bun scripts/ci/commit-bump.ts --overlay minikube --tag <sha> --all --forward-only \
 *     --message "Deploy <sha> to minikube [skip ci]"
 *
 * CI only: it resets the checked-out branch to the remote (and refuses to start on local changes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bumpImageTags, readImageTag, TagBumpError } from '../tag-bump/bump.ts';
import { git, gitOrThrow, isAncestor } from './git.ts';
import { isOverlay, listServices, type Overlay, REPO_ROOT, valuesPath } from './layout.ts';

const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export interface CommitBumpOptions {
  overlay: Overlay;
  tag: string;
  services: string[];
  message: string;
  root?: string;
  branch?: string;
  remote?: string;
  forwardOnly?: boolean;
  attempts?: number;
  /** Wait before attempt n+1 is n × backoffMs (plus jitter). */
  backoffMs?: number;
  log?: (line: string) => void;
  /** Test seam: runs just before each push (a test pushes a competing commit here). */
  beforePush?: (attempt: number) => void;
}

export interface CommitBumpResult {
  /** The pushed commit, or null when the branch already had every tag. */
  commit: string | null;
  attempts: number;
  skipped: string[];
}

export async function commitBump({
  overlay,
  tag,
  services,
  message,
  root = REPO_ROOT,
  branch = 'main',
  remote = 'origin',
  forwardOnly = false,
  attempts = 5,
  backoffMs = 2_000,
  log = console.log,
  beforePush,
}: CommitBumpOptions): Promise<CommitBumpResult> {
  const dirty = gitOrThrow(root, 'status', '--porcelain');
  if (dirty) throw new Error(`the worktree has local changes; commit-bump resets ${branch} to ${remote}:\n${dirty}`);
  // CI checkouts have no identity configured: commit as the Actions bot unless one is set.
  const identity = git(root, 'config', '--get', 'user.email').ok ? [] : identityArgs();

  for (let attempt = 1; attempt <= attempts; attempt++) {
    gitOrThrow(root, 'fetch', '--quiet', remote, branch);
    gitOrThrow(root, 'checkout', '--quiet', '-B', branch, `${remote}/${branch}`);

    const newer = forwardOnly ? servicesOnNewerCommits(root, overlay, tag, services) : new Map<string, string>();
    const skipped = [...newer].map(([service, current]) => `${service} runs ${current}, newer than ${tag}`);
    for (const line of skipped) log(`keep      ${line}`);
    const keep = services.filter((service) => !newer.has(service));
    if (keep.length === 0) return { commit: null, attempts: attempt, skipped };

    const results = bumpImageTags({ root, overlay, tag, services: keep });
    for (const r of results)
      log(`${r.action.padEnd(9)} ${r.service.padEnd(12)} ${r.path}  ${r.before ?? '(none)'} -> ${tag}`);
    const paths = results.filter((r) => r.action !== 'unchanged').map((r) => r.path);
    if (paths.length === 0) {
      log(`${remote}/${branch} already has ${tag} for ${keep.join(', ')}: nothing to commit`);
      return { commit: null, attempts: attempt, skipped };
    }
    gitOrThrow(root, 'add', '--', ...paths);
    gitOrThrow(root, ...identity, 'commit', '--quiet', '-m', message);
    beforePush?.(attempt);
    const push = git(root, 'push', '--quiet', remote, `HEAD:refs/heads/${branch}`);
    if (push.ok) {
      const commit = gitOrThrow(root, 'rev-parse', 'HEAD');
      log(`pushed ${commit} to ${remote}/${branch} (attempt ${attempt})`);
      return { commit, attempts: attempt, skipped };
    }
    log(`push rejected (attempt ${attempt}/${attempts}): ${push.stderr.split('\n')[0]}`);
    if (attempt < attempts) await Bun.sleep(attempt * backoffMs + Math.random() * backoffMs);
  }
  throw new Error(`could not push the bump to ${remote}/${branch} after ${attempts} attempts`);
}

/** Service → the commit it runs, for services whose overlay already runs a descendant of `tag`. */
function servicesOnNewerCommits(root: string, overlay: Overlay, tag: string, services: string[]): Map<string, string> {
  const newer = new Map<string, string>();
  for (const service of services) {
    let current: string | null = null;
    try {
      current = readImageTag(readFileSync(join(root, valuesPath(overlay, service)), 'utf8'));
    } catch {
      continue; // a missing file is the bump's to refuse
    }
    if (current && current !== tag && isAncestor(root, tag, current)) newer.set(service, current);
  }
  return newer;
}

function identityArgs(): string[] {
  return ['-c', `user.name=${BOT.name}`, '-c', `user.email=${BOT.email}`];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      overlay: { type: 'string' },
      tag: { type: 'string' },
      service: { type: 'string' },
      all: { type: 'boolean' },
      message: { type: 'string' },
      branch: { type: 'string', default: 'main' },
      remote: { type: 'string', default: 'origin' },
      'forward-only': { type: 'boolean' },
      attempts: { type: 'string', default: '5' },
    },
  });
  const services = values.all
    ? listServices()
    : (values.service ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  const attempts = Number(values.attempts);
  if (
    !values.overlay ||
    !isOverlay(values.overlay) ||
    !values.tag ||
    !values.message ||
    !services.length ||
    !(attempts >= 1)
  ) {
    console.error(
      'usage: commit-bump --overlay <o> --tag <sha> (--service a,b | --all) --message <m> [--forward-only]',
    );
    process.exit(2);
  }
  try {
    await commitBump({
      overlay: values.overlay,
      tag: values.tag,
      services,
      message: values.message,
      branch: values.branch,
      remote: values.remote,
      forwardOnly: values['forward-only'],
      attempts,
    });
  } catch (error) {
    console.error(`commit-bump: ${(error as Error).message}`);
    process.exit(error instanceof TagBumpError ? 1 : 3);
  }
}
