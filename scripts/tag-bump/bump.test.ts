import { afterEach, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bumpImageTags, readImageTag, setImageTag, TagBumpError } from './bump.ts';

const FIXTURE = join(import.meta.dir, 'fixtures/repo');
const OLD = '4b03ab0301269d2c03e9824e2db1abf55777cae7';
const NEW = '9f2c1e7d4b8a6053e1f7c2d9a4b6e8f0c3d5a7b9';
const fixture = (path: string) => readFileSync(join(FIXTURE, path), 'utf8');
const commentLines = (text: string) => text.split('\n').filter((line) => line.includes('#'));

describe('setImageTag keeps every byte but the tag', () => {
  test.each([
    ['gitops/services/api/values.yaml', `"${NEW}"`],
    ['gitops/services/notifier/values.yaml', `'${NEW}'`],
    ['clusters/minikube/values/api.yaml', `"${NEW}"`],
    ['clusters/minikube/values/notifier.yaml', NEW],
    ['clusters/oke/values/api.yaml', `"${NEW}"`],
  ])('%s', (path, replacement) => {
    const source = fixture(path);
    const edit = setImageTag(source, NEW);
    expect(edit).toMatchObject({ action: 'changed', before: OLD });
    // The whole file equals the original with only the tag's text swapped, quotes as they were.
    const quoted = replacement.replace(NEW, OLD);
    expect(edit.text).toBe(source.replace(quoted, replacement));
    expect(readImageTag(edit.text)).toBe(NEW);
  });

  test('is idempotent: a second bump to the same tag changes nothing', () => {
    const once = setImageTag(fixture('clusters/minikube/values/api.yaml'), NEW).text;
    expect(setImageTag(once, NEW)).toEqual({ text: once, before: NEW, action: 'unchanged' });
  });

  test('adds image.tag to an overlay without one, keeping its comments', () => {
    const source = fixture('clusters/oke/values/notifier.yaml');
    const edit = setImageTag(source, NEW);
    expect(edit).toMatchObject({ action: 'added', before: null });
    expect(parse(edit.text)).toEqual({ autoscaling: { mode: 'keda' }, image: { tag: NEW } });
    expect(commentLines(edit.text)).toEqual(commentLines(source));
    expect(edit.text).toContain(`tag: "${NEW}"`);
  });

  test('fills an empty tag and an empty document', () => {
    expect(setImageTag('image:\n  repository: r # keep\n  tag:\n', NEW)).toMatchObject({
      action: 'changed',
      before: null,
      text: `image:\n  repository: r # keep\n  tag: "${NEW}"\n`,
    });
    expect(parse(setImageTag('', NEW).text)).toEqual({ image: { tag: NEW } });
  });
});

describe('setImageTag quotes a plain tag that YAML would read as a number', () => {
  test.each([
    ['all digits (an int to YAML 1.1 and 1.2)', '1234567890123456789012345678901234567890'],
    ['digits, one e, digits (a float)', '1234567890123456789e123456789012345678901'.slice(0, 40)],
  ])('%s', (_name, sha) => {
    const edit = setImageTag(`image:\n  tag: ${OLD}\n`, sha);
    expect(edit.text).toBe(`image:\n  tag: "${sha}"\n`);
    expect(parse(edit.text, { version: '1.1' }).image.tag).toBe(sha);
  });
});

describe('setImageTag refuses what it cannot edit safely', () => {
  test.each([
    ['invalid YAML', 'image: [unclosed\n', /not valid YAML/],
    ['two documents', 'image:\n  tag: a\n---\nimage:\n  tag: b\n', /not valid YAML/],
    ['a list at the top', '- image\n', /top level is not a mapping/],
    ['image as a string', 'image: ghcr.io/tasktide/api:abc\n', /`image` is not a mapping/],
    ['tag as a list', 'image:\n  tag: [a, b]\n', /`image.tag` is not a plain value/],
    ['a tag an alias reuses', `image:\n  tag: &t ${OLD}\nlegacyTag: *t\n`, /more than image.tag/],
  ])('%s', (_name, source, message) => {
    expect(() => setImageTag(source, NEW)).toThrow(message);
  });
});

describe('bumpImageTags on a copy of the fixture repo', () => {
  let root = '';
  const copy = () => {
    root = mkdtempSync(join(tmpdir(), 'tag-bump-'));
    cpSync(FIXTURE, root, { recursive: true });
    return root;
  };
  const snapshot = () =>
    Object.fromEntries(
      [...new Bun.Glob('**/*.yaml').scanSync(root)].map((path) => [path, readFileSync(join(root, path), 'utf8')]),
    );
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('writes the named services of one overlay and reports each', () => {
    copy();
    const results = bumpImageTags({ root, overlay: 'minikube', tag: NEW, services: ['api', 'notifier'] });
    expect(results).toEqual([
      { service: 'api', path: 'clusters/minikube/values/api.yaml', before: OLD, action: 'changed' },
      { service: 'notifier', path: 'clusters/minikube/values/notifier.yaml', before: OLD, action: 'changed' },
    ]);
    expect(readImageTag(readFileSync(join(root, 'clusters/minikube/values/api.yaml'), 'utf8'))).toBe(NEW);
    expect(readImageTag(readFileSync(join(root, 'clusters/oke/values/api.yaml'), 'utf8'))).toBe(OLD);
    expect(readImageTag(readFileSync(join(root, 'gitops/services/api/values.yaml'), 'utf8'))).toBe(OLD);
  });

  test('a second run reports every service unchanged and writes nothing', () => {
    copy();
    bumpImageTags({ root, overlay: 'base', tag: NEW, services: ['api', 'notifier', 'audit'] });
    const before = snapshot();
    const again = bumpImageTags({ root, overlay: 'base', tag: NEW, services: ['api', 'notifier', 'audit'] });
    expect(again.map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(snapshot()).toEqual(before);
  });

  test('a dry run reports the change and writes nothing', () => {
    copy();
    const before = snapshot();
    const results = bumpImageTags({ root, overlay: 'oke', tag: NEW, services: ['notifier'], dryRun: true });
    expect(results).toEqual([
      { service: 'notifier', path: 'clusters/oke/values/notifier.yaml', before: null, action: 'added' },
    ]);
    expect(snapshot()).toEqual(before);
  });

  test.each([
    ['a folder that is not under apps/', ['payments'], /"payments" is not a service/],
    ['the dev server', ['dev'], /"dev" is not a service/],
    ['the web app', ['web'], /"web" is not a service/],
    ['an apps/ folder without src/main.ts', ['docs'], /"docs" is not a service/],
    ['a service without a values file in the overlay', ['audit'], /audit has no minikube values file/],
    ['one bad name among good ones', ['api', 'notifier', 'payments'], /"payments" is not a service/],
    ['no services at all', [], /no services named/],
  ])('refuses %s and writes nothing', (_name, services, message) => {
    copy();
    const before = snapshot();
    expect(() => bumpImageTags({ root, overlay: 'minikube', tag: NEW, services })).toThrow(message);
    expect(snapshot()).toEqual(before);
  });

  test.each([
    ['a short SHA', NEW.slice(0, 12)],
    ['an uppercase SHA', NEW.toUpperCase()],
    ['latest', 'latest'],
    ['a version', 'v1.2.3'],
    ['41 characters', `${NEW}0`],
    ['a SHA with a newline', `${NEW}\n`],
    ['a non-hex letter', `${NEW.slice(0, 39)}g`],
  ])('refuses %s as a tag', (_name, tag) => {
    copy();
    const before = snapshot();
    expect(() => bumpImageTags({ root, overlay: 'minikube', tag, services: ['api'] })).toThrow(TagBumpError);
    expect(snapshot()).toEqual(before);
  });
});
