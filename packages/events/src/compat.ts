import { catalog } from './catalog.ts';

type Json = Record<string, unknown>;

/**
 * Lists the ways `next` breaks readers of `prev` (empty when the change is additive): a property
 * removed or changed, a new required property, a property turned from optional to required.
 */
export function incompatibilities(prev: unknown, next: unknown, path = ''): string[] {
  const a = prev as Json;
  const b = next as Json;
  if (a?.type === 'object' && b?.type === 'object' && a.properties && b.properties) {
    const problems: string[] = [];
    const aProps = a.properties as Json;
    const bProps = b.properties as Json;
    const aReq = new Set((a.required as string[]) ?? []);
    const bReq = new Set((b.required as string[]) ?? []);
    for (const key of Object.keys(aProps)) {
      if (!(key in bProps)) problems.push(`${path}/${key} was removed`);
      else problems.push(...incompatibilities(aProps[key], bProps[key], `${path}/${key}`));
    }
    for (const key of bReq) {
      if (!aReq.has(key)) problems.push(`${path}/${key} is required but was ${key in aProps ? 'optional' : 'absent'}`);
    }
    return problems;
  }
  if (a?.type === 'array' && b?.type === 'array') return incompatibilities(a.items, b.items, `${path}[]`);
  return JSON.stringify(stripDocs(a)) === JSON.stringify(stripDocs(b)) ? [] : [`${path || '/'} changed type`];
}

function stripDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDocs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'description' && k !== 'title')
        .map(([k, v]) => [k, stripDocs(v)]),
    );
  }
  return value;
}

/** JSON form of every published schema, as stored in `schemas.lock.json`. */
export function catalogSnapshot(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, versions] of Object.entries(catalog)) {
    for (const [version, schema] of Object.entries(versions))
      out[`${type}@${version}`] = JSON.parse(JSON.stringify(schema));
  }
  return out;
}

/** Compares the catalog with the lock: every locked version must still exist and read the same events. */
export function checkAgainstLock(lock: Record<string, unknown>): string[] {
  const current = catalogSnapshot();
  const problems: string[] = [];
  for (const [id, schema] of Object.entries(lock)) {
    if (!(id in current)) problems.push(`${id} was removed`);
    else problems.push(...incompatibilities(schema, current[id]).map((p) => `${id}: ${p}`));
  }
  return problems;
}
