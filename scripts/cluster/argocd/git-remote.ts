import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, spawnLogged, stopProcess, waitFor } from '@tasktide/local-stack';

/**
 * The git remote Argo CD follows in the tier: a bare repository on 127.0.0.1 served over git's smart
 * HTTP protocol (git-http.ts: `git http-backend`, git's own server), holding this repository's
 * history plus one commit with the working tree as it is — so the tier syncs what is being changed,
 * not only what was committed. HTTP rather than file:// because Argo CD matches GitHub push webhooks
 * to Applications by the repository's web URL (host and path), which a file:// URL has none of.
 * The server is a process tied to the test runner (spawnLogged): it cannot outlive it.
 */
export interface GitRemote {
  /** http://127.0.0.1:<port>/tasktide.git — the repoURL Applications use in the tier. */
  url: string;
  /** The web URL a GitHub push event names (http://127.0.0.1:<port>/tasktide). */
  webUrl: string;
  /** The commit holding the working tree (tip of main when the remote was made). */
  snapshot: string;
  stop(): Promise<void>;
}

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const run = Bun.spawnSync(['git', ...args], {
    cwd,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...IDENTITY, ...env },
  });
  if (run.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${run.stderr.toString().trim()}`);
  }
  return run.stdout.toString().trim();
}

/** Who the tier's commits are by (never the developer's own identity). */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'tasktide cluster tier',
  GIT_AUTHOR_EMAIL: 'tier@tasktide.invalid',
  GIT_COMMITTER_NAME: 'tasktide cluster tier',
  GIT_COMMITTER_EMAIL: 'tier@tasktide.invalid',
};

export async function startGitRemote(dir: string): Promise<GitRemote> {
  const root = join(dir, 'git');
  const bare = join(root, 'tasktide.git');
  const work = join(dir, 'snapshot');
  mkdirSync(root, { recursive: true });
  // A clone with no checkout: its index is empty, so `add -A` against the developer's work tree
  // stages exactly the files there (.gitignore honoured) without touching that repository.
  git(dir, ['clone', '--quiet', '--no-checkout', repoRoot, work]);
  git(work, ['--work-tree', repoRoot, 'add', '-A']);
  git(work, ['commit', '--quiet', '--allow-empty', '-m', 'Working tree under test (cluster tier snapshot)']);
  const snapshot = git(work, ['rev-parse', 'HEAD']);
  git(dir, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  git(work, ['push', '--quiet', bare, 'HEAD:refs/heads/main']);
  // Pushes over HTTP (the release's commit-bump pushes like CI does) need receive-pack enabled.
  git(bare, ['config', 'http.receivepack', 'true']);

  const port = await freePort();
  const log = join(dir, 'logs', 'git-http.log');
  const server = spawnLogged([process.execPath, join(import.meta.dir, 'git-http.ts'), root, String(port)], { log });
  await waitFor('the git HTTP server', async () => {
    if (server.exitCode !== null) throw new Error(`git-http.ts exited (log ${log})`);
    return (await fetch(`http://127.0.0.1:${port}/tasktide.git/info/refs?service=git-upload-pack`)).ok;
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/tasktide.git`,
    webUrl: `${base}/tasktide`,
    snapshot,
    stop: () => stopProcess(server),
  };
}

/** A working clone of the remote (an operator's checkout, CI's checkout). */
export function cloneRemote(remote: GitRemote, dir: string): string {
  git(repoRoot, ['clone', '--quiet', remote.url, dir]);
  return dir;
}

/** Commits every change in `checkout` and pushes it to main; returns the new commit. */
export function commitAndPush(checkout: string, message: string): string {
  git(checkout, ['add', '-A']);
  git(checkout, ['commit', '--quiet', '-m', message]);
  git(checkout, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
  return git(checkout, ['rev-parse', 'HEAD']);
}
