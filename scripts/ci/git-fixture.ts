/**
 * Test support: throwaway git repositories seeded from the tag-bump fixture repo, with a bare
 * "origin" so push races can be staged. Used by the release-plan and commit-bump tests.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitOrThrow } from './git.ts';

export const FIXTURE_REPO = join(import.meta.dir, '../tag-bump/fixtures/repo');
const AUTHOR = ['-c', 'user.name=Test Author', '-c', 'user.email=test@example.com'];

export interface GitFixture {
  /** Bare repository playing GitHub. */
  origin: string;
  /** A clone to make "other people's" commits in. */
  seed: string;
  /** A fresh clone of origin (the CI job's checkout). */
  clone(name: string): string;
  /** Writes files in `repo`, commits, pushes to origin; returns the commit SHA. */
  commit(repo: string, files: Record<string, string>, message: string): string;
  cleanup(): void;
}

export function createGitFixture(): GitFixture {
  const base = mkdtempSync(join(tmpdir(), 'tasktide-git-'));
  const origin = join(base, 'origin.git');
  const seed = join(base, 'seed');
  gitOrThrow(base, 'init', '--quiet', '--bare', '-b', 'main', origin);
  cpSync(FIXTURE_REPO, seed, { recursive: true });
  gitOrThrow(seed, 'init', '--quiet', '-b', 'main');
  gitOrThrow(seed, 'remote', 'add', 'origin', origin);
  gitOrThrow(seed, 'add', '-A');
  gitOrThrow(seed, ...AUTHOR, 'commit', '--quiet', '-m', 'seed');
  gitOrThrow(seed, 'push', '--quiet', '-u', 'origin', 'main');

  return {
    origin,
    seed,
    clone(name) {
      const dir = join(base, name);
      gitOrThrow(base, 'clone', '--quiet', origin, dir);
      return dir;
    },
    commit(repo, files, message) {
      gitOrThrow(repo, 'pull', '--quiet', '--rebase', 'origin', 'main');
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        writeFileSync(join(repo, path), content);
      }
      gitOrThrow(repo, 'add', '-A');
      gitOrThrow(repo, ...AUTHOR, 'commit', '--quiet', '-m', message);
      gitOrThrow(repo, 'push', '--quiet', 'origin', 'HEAD:main');
      return gitOrThrow(repo, 'rev-parse', 'HEAD');
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** An overlay file pinning `tag`, as CI writes it. */
export const overlayWithTag = (tag: string) => `# test overlay\nimage:\n  tag: "${tag}"\n`;
