/** Small synchronous git helpers for the release scripts (run in a CI checkout, or a test repo). */

export interface GitResult {
  ok: boolean;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in `cwd`; never throws — callers decide what a failure means. */
export function git(cwd: string, ...args: string[]): GitResult {
  const run = Bun.spawnSync(['git', ...args], { cwd, stdout: 'pipe', stderr: 'pipe' });
  return {
    ok: run.exitCode === 0,
    code: run.exitCode,
    stdout: run.stdout.toString().trim(),
    stderr: run.stderr.toString().trim(),
  };
}

/** Runs `git <args>` and returns stdout; throws with git's message on failure. */
export function gitOrThrow(cwd: string, ...args: string[]): string {
  const result = git(cwd, ...args);
  if (!result.ok) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** True when `ancestor` is `commit` or one of its ancestors; false when either is not a known commit. */
export function isAncestor(cwd: string, ancestor: string, commit: string): boolean {
  return git(cwd, 'merge-base', '--is-ancestor', ancestor, commit).ok;
}
