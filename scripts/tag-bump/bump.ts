/**
 * The tag bump: sets `image.tag` in service values files and touches nothing else. The yaml
 * Document API finds the tag node; its source range is spliced in place, so every other byte of
 * the file (comments, quoting, blank lines, key order) stays as it was. A file without an
 * `image.tag` yet gets one through the Document API (comments kept, layout may be normalised).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parse, parseDocument, Scalar } from 'yaml';
import { COMMIT_SHA, listServices, type Overlay, REPO_ROOT, valuesPath } from '../ci/layout.ts';

/** A refusal: bad input or a file the bump cannot edit safely. Nothing has been written. */
export class TagBumpError extends Error {
  override name = 'TagBumpError';
}

export type TagAction = 'changed' | 'unchanged' | 'added';

export interface TagEdit {
  text: string;
  /** The tag before the edit; null when the file had none. */
  before: string | null;
  action: TagAction;
}

/** The `image.tag` of one values document, or null when it has none. */
export function readImageTag(source: string): string | null {
  const value = (parse(source) as { image?: { tag?: unknown } } | null)?.image?.tag;
  return value === undefined || value === null ? null : String(value);
}

/**
 * Returns `source` with `image.tag` set to `tag`. Throws TagBumpError when the document is not a
 * single mapping, `image` is not a mapping, `image.tag` is not a scalar, or the edit would change
 * anything besides `image.tag` (e.g. an anchored tag that an alias elsewhere reuses).
 *
 * @example
 * setImageTag('image:\n  tag: "old" # CI\n', sha).text // 'image:\n  tag: "<sha>" # CI\n'
 */
export function setImageTag(source: string, tag: string): TagEdit {
  const doc = parseDocument(source);
  if (doc.errors.length) throw new TagBumpError(`not valid YAML: ${doc.errors[0]?.message}`);
  const root = doc.contents;
  if (root !== null && !isMap(root)) throw new TagBumpError('the top level is not a mapping');
  const image = root?.get('image', true);
  if (image !== undefined && image !== null && !isMap(image)) throw new TagBumpError('`image` is not a mapping');
  const node = image?.get('tag', true);
  if (node !== undefined && !isScalar(node)) throw new TagBumpError('`image.tag` is not a plain value');

  let text: string;
  let before: string | null = null;
  let action: TagAction;
  if (node && node.value !== null && node.value !== '' && node.range) {
    before = String(node.value);
    if (before === tag) return { text: source, before, action: 'unchanged' };
    const [start, end] = node.range;
    text = source.slice(0, start) + renderScalar(tag, node.type) + source.slice(end);
    action = 'changed';
  } else {
    // No tag (or an empty one): let the Document API place it, quoted like the rest of the repo.
    const scalar = new Scalar(tag);
    scalar.type = 'QUOTE_DOUBLE';
    if (root === null) doc.contents = doc.createNode({ image: { tag: scalar } }) as typeof doc.contents;
    else doc.setIn(['image', 'tag'], scalar);
    text = doc.toString({ lineWidth: 0 });
    action = node ? 'changed' : 'added';
  }
  assertOnlyTagChanged(source, text, tag);
  return { text, before, action };
}

/** A scalar's source text, keeping the original quoting; plain only when YAML 1.1 and 1.2 read a string. */
function renderScalar(value: string, type: Scalar['type']): string {
  if (type === 'QUOTE_SINGLE') return `'${value}'`;
  if (type === 'PLAIN' && readsAsString(value)) return value;
  return `"${value}"`;
}

/** Helm's YAML 1.1 parser would turn an all-digit SHA (or `123e45…`) into a number. */
function readsAsString(value: string): boolean {
  return typeof parse(value) === 'string' && typeof parse(value, { version: '1.1' }) === 'string';
}

function assertOnlyTagChanged(before: string, after: string, tag: string): void {
  const expected = (parse(before) ?? {}) as Record<string, unknown>;
  const image = expected.image && typeof expected.image === 'object' ? expected.image : {};
  expected.image = { ...image, tag };
  if (!Bun.deepEquals(parse(after), expected, true)) {
    throw new TagBumpError('the edit would change more than image.tag (an anchor or alias shares the value?)');
  }
}

export interface BumpOptions {
  overlay: Overlay;
  tag: string;
  services: string[];
  root?: string;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
}

export interface BumpResult extends Omit<TagEdit, 'text'> {
  service: string;
  /** Repo-relative values file. */
  path: string;
}

/**
 * Sets the image tag of `services` in `overlay`. Every service and file is checked before
 * anything is written: one refusal writes nothing. Idempotent.
 */
export function bumpImageTags({ overlay, tag, services, root = REPO_ROOT, dryRun = false }: BumpOptions): BumpResult[] {
  if (!COMMIT_SHA.test(tag)) {
    throw new TagBumpError(`the tag must be a full 40-character lowercase git commit SHA, got "${tag}"`);
  }
  if (services.length === 0) throw new TagBumpError('no services named');
  const known = new Set(listServices(root));
  const problems: string[] = [];
  const edits: Array<BumpResult & { text: string }> = [];
  for (const service of new Set(services)) {
    const path = valuesPath(overlay, service);
    if (!known.has(service)) {
      problems.push(`"${service}" is not a service (services: ${[...known].join(', ') || 'none'})`);
    } else if (!existsSync(join(root, path))) {
      problems.push(`${service} has no ${overlay} values file (${path})`);
    } else {
      try {
        edits.push({ service, path, ...setImageTag(readFileSync(join(root, path), 'utf8'), tag) });
      } catch (err) {
        if (!(err instanceof TagBumpError)) throw err;
        problems.push(`${path}: ${err.message}`);
      }
    }
  }
  if (problems.length) throw new TagBumpError(`refusing to bump, nothing written:\n  ${problems.join('\n  ')}`);
  if (!dryRun) {
    for (const edit of edits) if (edit.action !== 'unchanged') writeFileSync(join(root, edit.path), edit.text);
  }
  return edits.map(({ text: _text, ...result }) => result);
}
