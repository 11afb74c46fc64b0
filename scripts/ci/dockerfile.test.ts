/**
 * There is no Docker engine here, so the Dockerfile's promises are checked on the text: pinned
 * bases on the repo's Bun version, builds that need no emulation for arm64, a non-root runtime
 * without a shell step or HEALTHCHECK, and a build context that holds what the build reads.
 * The bundle itself is proven by service-build.smoke.test.ts.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from './layout.ts';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM\s/i.test(line)) acc.push([]);
  acc.at(-1)?.push(line);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
const bunVersion = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).packageManager.replace('bun@', '');

describe('Dockerfile', () => {
  test('every base image is pinned by digest and runs the Bun version package.json pins', () => {
    for (const stage of stages) {
      const from = stage[0]!;
      const image = from.split(/\s+/).find((word) => /[:@]/.test(word) && !word.startsWith('--'));
      if (!image)
        expect(from).toMatch(/^FROM \w+ AS \w+$/); // FROM <earlier stage>
      else {
        expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
        expect(image).toStartWith(`oven/bun:${bunVersion}`);
      }
    }
  });

  test('build stages run on the build platform and the runtime stage runs nothing (no QEMU for arm64)', () => {
    for (const stage of stages.slice(0, -1)) {
      if (stage.some((line) => /^RUN\s/.test(line)) && !/^FROM \w+ AS/.test(stage[0]!)) {
        expect(stage[0]).toContain('--platform=$BUILDPLATFORM');
      }
    }
    expect(runtime.filter((line) => /^RUN\s/.test(line))).toEqual([]);
  });

  test('the runtime runs as a numeric non-root user, with no HEALTHCHECK and no latest tag', () => {
    const user = runtime.find((line) => line.startsWith('USER '));
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  test('it ships what scripts/ci/build-service.ts builds and starts main.js', () => {
    expect(instructions.some((line) => line.includes('bun install --frozen-lockfile'))).toBe(true);
    expect(instructions.some((line) => line.includes('bun scripts/ci/build-service.ts --app "$APP" --out /out'))).toBe(
      true,
    );
    expect(runtime).toContain('COPY --from=build --chown=0:0 /out/ /app/');
    expect(runtime).toContain('ENTRYPOINT ["/usr/local/bin/bun", "/app/main.js"]');
    expect(runtime).toContain('WORKDIR /app');
  });
});

describe('.dockerignore', () => {
  const rules = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));

  test('is an allowlist that never lets node_modules, .env or .git in', () => {
    expect(rules[0]).toBe('*');
    expect(rules).toEqual(expect.arrayContaining(['**/node_modules', '**/.env', '**/.env.*']));
    expect(allowed.filter((path) => /(^|\/)(\.git|\.env|node_modules)/.test(path))).toEqual([]);
  });

  test('lets in every file the build stage reads', () => {
    // `bun install --frozen-lockfile` needs the manifest of every workspace the root names.
    const workspaces = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
      .workspaces;
    const manifests = workspaces.filter((w) => !w.includes('*')).map((w) => `${w}/package.json`);
    const needed = ['package.json', 'bun.lock', ...manifests, ...localImports('scripts/ci/build-service.ts')];
    const admitted = (path: string) => allowed.some((rule) => path === rule || path.startsWith(`${rule}/`));
    expect(needed.filter((path) => !admitted(path))).toEqual([]);
    expect(['apps', 'packages'].every(admitted)).toBe(true);
  });
});

/** `path` and the repo files it imports with relative specifiers, transitively. */
function localImports(path: string, seen = new Set<string>()): string[] {
  if (seen.has(path)) return [];
  seen.add(path);
  const source = readFileSync(join(REPO_ROOT, path), 'utf8');
  for (const [, specifier] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    localImports(relative(REPO_ROOT, join(REPO_ROOT, dirname(path), specifier!)), seen);
  }
  return [...seen];
}
