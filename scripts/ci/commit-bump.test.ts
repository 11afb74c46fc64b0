import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImageTag } from '../tag-bump/bump.ts';
import { commitBump } from './commit-bump.ts';
import { gitOrThrow } from './git.ts';
import { createGitFixture, type GitFixture, overlayWithTag } from './git-fixture.ts';

const NEW = '9f2c1e7d4b8a6053e1f7c2d9a4b6e8f0c3d5a7b9';
const API = 'clusters/minikube/values/api.yaml';
let fx: GitFixture;
let ci = '';
const logs: string[] = [];
beforeEach(() => {
  fx = createGitFixture();
  ci = fx.clone('ci');
  logs.length = 0;
});
afterEach(() => fx.cleanup());

const bump = (options: Partial<Parameters<typeof commitBump>[0]> = {}) =>
  commitBump({
    root: ci,
    overlay: 'minikube',
    tag: NEW,
    services: ['api', 'notifier'],
    message: `Deploy ${NEW} to minikube [skip ci]`,
    backoffMs: 0,
    log: (line) => logs.push(line),
    ...options,
  });
/** What origin/main holds now, read through a fresh clone. */
const originFile = (path: string) => {
  const reader = fx.clone(`reader-${Math.random().toString(36).slice(2)}`);
  return readFileSync(join(reader, path), 'utf8');
};
const originLog = () => gitOrThrow(fx.origin, 'log', '--format=%s', 'main').split('\n');

describe('commitBump', () => {
  test('commits only the overlay files with the given message and pushes them', async () => {
    const result = await bump();
    expect(result).toMatchObject({ attempts: 1, skipped: [] });
    expect(originLog()[0]).toBe(`Deploy ${NEW} to minikube [skip ci]`);
    const files = gitOrThrow(fx.origin, 'show', '--name-only', '--format=', 'main').split('\n');
    expect(files).toEqual([API, 'clusters/minikube/values/notifier.yaml']);
    expect(readImageTag(originFile(API))).toBe(NEW);
  });

  test('is idempotent: a second run pushes nothing', async () => {
    await bump();
    const again = await bump();
    expect(again.commit).toBeNull();
    expect(originLog().filter((s) => s.startsWith('Deploy'))).toHaveLength(1);
    expect(logs.at(-1)).toContain('nothing to commit');
  });

  test('survives a push race: re-applies on the new tip and pushes on the next attempt', async () => {
    const racer = fx.clone('racer');
    const result = await bump({
      beforePush: (attempt) => {
        if (attempt === 1) fx.commit(racer, { 'docs/notes.md': 'someone else pushed first\n' }, 'docs: racing commit');
      },
    });
    expect(result.attempts).toBe(2);
    expect(logs.some((line) => line.startsWith('push rejected (attempt 1/5)'))).toBe(true);
    expect(originLog().slice(0, 2)).toEqual([`Deploy ${NEW} to minikube [skip ci]`, 'docs: racing commit']);
    expect(originFile('docs/notes.md')).toBe('someone else pushed first\n');
    expect(readImageTag(originFile(API))).toBe(NEW);
  });

  test('a racing edit of the same file is no conflict: the bump is recomputed on top of it', async () => {
    const racer = fx.clone('racer');
    await bump({
      beforePush: (attempt) => {
        if (attempt > 1) return;
        const text = readFileSync(join(racer, API), 'utf8').replace('minReplicas: 1', 'minReplicas: 2');
        fx.commit(racer, { [API]: text }, 'minikube: two api replicas');
      },
    });
    const api = originFile(API);
    expect(api).toContain('minReplicas: 2');
    expect(readImageTag(api)).toBe(NEW);
  });

  test('gives up after the last attempt when every push loses the race', async () => {
    const racer = fx.clone('racer');
    let n = 0;
    const race = () => void fx.commit(racer, { 'docs/notes.md': `race ${++n}\n` }, `docs: race ${n}`);
    await expect(bump({ attempts: 3, beforePush: race })).rejects.toThrow('after 3 attempts');
    expect(readImageTag(originFile(API))).not.toBe(NEW);
  });

  test('--forward-only keeps a service that already runs a newer commit', async () => {
    const older = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v2\n' }, 'api: v2');
    const newer = fx.commit(fx.seed, { 'apps/api/src/main.ts': 'export {};\n// v3\n' }, 'api: v3');
    fx.commit(fx.seed, { [API]: overlayWithTag(newer) }, 'deploy v3');

    const stale = await bump({ tag: older, services: ['api'], forwardOnly: true });
    expect(stale).toMatchObject({ commit: null, skipped: [`api runs ${newer}, newer than ${older}`] });
    expect(readImageTag(originFile(API))).toBe(newer);

    const rollback = await bump({ tag: older, services: ['api'], message: 'Pin api [skip ci]' });
    expect(rollback.commit).not.toBeNull();
    expect(readImageTag(originFile(API))).toBe(older);
  });

  test('refuses to start on local changes, because it resets the branch', async () => {
    writeFileSync(join(ci, 'stray.txt'), 'uncommitted\n');
    await expect(bump()).rejects.toThrow('the worktree has local changes');
  });

  test('an unknown service is refused and nothing is pushed', async () => {
    await expect(bump({ services: ['api', 'payments'] })).rejects.toThrow('"payments" is not a service');
    expect(originLog()).toEqual(['seed']);
  });
});
