import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageTag } from './bump.ts';
import { main } from './tag-bump.ts';

const FIXTURE = join(import.meta.dir, 'fixtures/repo');
const OLD = '4b03ab0301269d2c03e9824e2db1abf55777cae7';
const NEW = '9f2c1e7d4b8a6053e1f7c2d9a4b6e8f0c3d5a7b9';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tag-bump-cli-'));
  cpSync(FIXTURE, root, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI in-process against the fixture copy; returns exit code and both streams. */
function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    ['--root', root, ...args],
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
const tagIn = (path: string) => readImageTag(readFileSync(join(root, path), 'utf8'));

describe('tag-bump CLI', () => {
  test('bumps the named services and prints each change with a summary', () => {
    const { code, stdout } = run('--overlay', 'minikube', '--tag', NEW, '--service', 'api,notifier');
    expect(code).toBe(0);
    expect(stdout).toContain(`changed   api          clusters/minikube/values/api.yaml  image.tag ${OLD} -> ${NEW}`);
    expect(stdout).toContain('changed   notifier     clusters/minikube/values/notifier.yaml');
    expect(stdout).toEndWith('minikube: 2 changed, 0 unchanged');
    expect(tagIn('clusters/minikube/values/notifier.yaml')).toBe(NEW);
  });

  test('running it again says nothing changed', () => {
    run('--overlay', 'minikube', '--tag', NEW, '--service', 'api', '--service', 'notifier');
    const { code, stdout } = run('--overlay', 'minikube', '--tag', NEW, '--service', 'api', '--service', 'notifier');
    expect(code).toBe(0);
    expect(stdout).toContain(`unchanged api          clusters/minikube/values/api.yaml  image.tag already ${NEW}`);
    expect(stdout).toEndWith('minikube: 0 changed, 2 unchanged');
  });

  test('--all takes every service under apps/ (not dev or web)', () => {
    const { code, stdout } = run('--overlay', 'base', '--tag', NEW, '--all');
    expect(code).toBe(0);
    const services = stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => line.split(/\s+/)[1]);
    expect(services).toEqual(['api', 'audit', 'notifier']);
    expect(stdout).toEndWith('base: 3 changed, 0 unchanged');
  });

  test('--all refuses when one service has no file in the overlay, and writes nothing', () => {
    const { code, stderr } = run('--overlay', 'minikube', '--tag', NEW, '--all');
    expect(code).toBe(1);
    expect(stderr).toContain('audit has no minikube values file (clusters/minikube/values/audit.yaml)');
    expect(tagIn('clusters/minikube/values/api.yaml')).toBe(OLD);
  });

  test('--dry-run prints the plan and writes nothing', () => {
    const { code, stdout } = run('--overlay', 'oke', '--tag', NEW, '--service', 'notifier', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(`added     notifier     clusters/oke/values/notifier.yaml  image.tag (none) -> ${NEW}`);
    expect(stdout).toEndWith('oke: 1 changed, 0 unchanged (dry run: nothing written)');
    expect(tagIn('clusters/oke/values/notifier.yaml')).toBeNull();
  });

  test.each([
    ['an unknown service', ['--overlay', 'oke', '--tag', NEW, '--service', 'payments'], /"payments" is not a service/],
    ['a malformed tag', ['--overlay', 'oke', '--tag', 'latest', '--service', 'api'], /40-character lowercase/],
  ])('exits 1 on %s', (_name, args, message) => {
    const { code, stderr } = run(...args);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  test.each([
    ['no overlay', ['--tag', NEW, '--all'], /--overlay must be one of base, minikube, oke/],
    ['an unknown overlay', ['--overlay', 'prod', '--tag', NEW, '--all'], /--overlay must be one of/],
    ['no tag', ['--overlay', 'oke', '--all'], /--tag is required/],
    ['neither --service nor --all', ['--overlay', 'oke', '--tag', NEW], /--service a,b or pass --all/],
    ['both --service and --all', ['--overlay', 'oke', '--tag', NEW, '--all', '--service', 'api'], /not both/],
    ['an unknown flag', ['--overlay', 'oke', '--tag', NEW, '--all', '--force'], /Unknown option '--force'/],
    ['a positional argument', ['--overlay', 'oke', '--tag', NEW, 'api'], /Unexpected argument 'api'/],
  ])('exits 2 with usage on %s', (_name, args, message) => {
    const { code, stderr } = run(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('usage: tag-bump');
  });

  test('works as a process: bun scripts/tag-bump/tag-bump.ts …', () => {
    const script = join(import.meta.dir, 'tag-bump.ts');
    const args = ['--root', root, '--overlay', 'oke', '--tag', NEW, '--service', 'api'];
    const ok = Bun.spawnSync(['bun', script, ...args]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.toString()).toContain('oke: 1 changed, 0 unchanged');
    const refused = Bun.spawnSync(['bun', script, '--root', root, '--overlay', 'oke', '--tag', 'abc', '--all']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.toString()).toContain('tag-bump: the tag must be a full 40-character');
  });
});
