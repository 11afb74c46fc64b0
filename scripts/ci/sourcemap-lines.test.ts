import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineMappings } from './sourcemap-lines.ts';

const work = mkdtempSync(join(tmpdir(), 'tasktide-sourcemap-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every segment as absolute [generated line, generated column, source, line] (no-source: source -1). */
function segments(mappings: string) {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: Array<[number, number, number, number]> = [];
  let [source, line] = [0, 0];
  mappings.split(';').forEach((generated, generatedLine) => {
    let column = 0;
    for (const segment of generated.split(',').filter(Boolean)) {
      const fields: number[] = [];
      let [value, shift] = [0, 0];
      for (const char of segment) {
        const digit = digits.indexOf(char);
        value += (digit & 31) * 2 ** shift;
        if (digit & 32) shift += 5;
        else [fields[fields.length], value, shift] = [value % 2 ? -(value - 1) / 2 : value / 2, 0, 0];
      }
      column += fields[0] ?? 0;
      if (fields.length > 1) [source, line] = [source + (fields[1] ?? 0), line + (fields[2] ?? 0)];
      out.push([generatedLine, column, fields.length > 1 ? source : -1, fields.length > 1 ? line : -1]);
    }
  });
  return out;
}

/** What a stack frame at a generated position reads: the last segment at or before it on its line. */
function lookup(all: ReturnType<typeof segments>, generatedLine: number, column: number) {
  const onLine = all.filter(([l, c]) => l === generatedLine && c <= column);
  const [, , source, line] = onLine[onLine.length - 1] ?? [0, 0, -1, -1];
  return `${source}:${line}`;
}

describe('lineMappings', () => {
  test('keeps the first segment of each run from one original line, re-encoded relative to the kept ones', () => {
    expect(lineMappings('AAAA,EAAE,IACA')).toBe('AAAA,MACE');
    expect(lineMappings('AAAA,EAAE;IACA,C')).toBe('AAAA;IACE,C');
    expect(lineMappings('')).toBe('');
  });

  test('keeps segments that name an identifier', () => {
    expect(lineMappings('AAAAA,EAAEC')).toBe('AAAAA,EAAEC');
  });

  test('keeps every segment of the sources picked for exact columns', () => {
    // Source 0 exact, source 1 by line: the second segment of each run of source 1 goes.
    const mappings = 'AAAA,EAAE,ECAA,EAAE';
    expect(lineMappings(mappings, (source) => source === 0)).toBe('AAAA,EAAE,ECAA');
    expect(lineMappings(mappings, () => true)).toBe(mappings);
  });

  test('every position of a minified bundle still maps to the same file and line', async () => {
    // A real bundle of real code (this folder's scripts), minified as the images are.
    const result = await Bun.build({
      entrypoints: [join(import.meta.dir, 'build-service.ts'), join(import.meta.dir, 'release-plan.ts')],
      outdir: join(work, 'bundle'),
      target: 'bun',
      minify: { whitespace: true, syntax: true, identifiers: false },
      sourcemap: 'external',
      external: ['*'],
    });
    const maps = result.outputs.filter((o) => o.kind === 'sourcemap');
    expect(maps.length).toBeGreaterThan(0);
    for (const output of maps) {
      const { mappings } = JSON.parse(await output.text()) as { mappings: string };
      const full = segments(mappings);
      const reduced = segments(lineMappings(mappings));
      expect(reduced.length).toBeLessThan(full.length / 2);
      for (const [generatedLine, column] of full) {
        expect(lookup(reduced, generatedLine, column)).toBe(lookup(full, generatedLine, column));
      }
    }
  });

  test("bun's stack traces name the same file:line with the reduced map", () => {
    const source = join(work, 'thrower.ts');
    writeFileSync(
      source,
      [
        '// Line 1 holds no frame: Bun prints no line for line 1 at column 0.',
        'const fail = (why: string) => { const n = why.length; if (n > 0) throw new Error(why); return n; };',
        'function check(depth: number): number { const n = depth > 2 ? fail("deep") : check(depth + 1); return n + 1; }',
        'function run() { const total = check(0) * 2; return total; }',
        'try { run(); } catch (err) { console.log((err as Error).stack); }',
      ].join('\n'),
    );
    const run = (exact?: boolean) => {
      const out = join(work, `map-${exact}`);
      const build = Bun.spawnSync([
        process.execPath,
        'build',
        source,
        '--outdir',
        out,
        '--target',
        'bun',
        '--minify-whitespace',
        '--sourcemap=linked',
      ]);
      expect(build.exitCode).toBe(0);
      const mapPath = join(out, 'thrower.js.map');
      const map = JSON.parse(readFileSync(mapPath, 'utf8'));
      if (exact !== undefined) {
        writeFileSync(mapPath, JSON.stringify({ ...map, mappings: lineMappings(map.mappings, () => exact) }));
      }
      return Bun.spawnSync([process.execPath, join(out, 'thrower.js')]).stdout.toString();
    };
    const lines = (stack: string) => [...stack.matchAll(/thrower\.ts:(\d+)/g)].map((m) => m[1]);
    const full = run();
    expect(lines(full)).toEqual(['2', '3', '3', '3', '3', '4', '5']);
    expect(lines(run(false))).toEqual(lines(full));
    expect(run(true)).toBe(full);
  });
});
