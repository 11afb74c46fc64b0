import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { K8sObject, Located } from './manifests.ts';

/** Fixtures poke at arbitrary nested fields of parsed YAML; typing each path would add nothing. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of any shape
export type Loose = any;

/** A deep copy of `item` with `mutate` applied: a deliberately broken fixture for one check. */
export function broken(item: Located, mutate: (o: K8sObject & Loose) => void): Located {
  const object = structuredClone(item.object) as K8sObject & Loose;
  mutate(object);
  return { source: `fixture(${item.source})`, object };
}

/** Writes `content` to a fresh temp file (outside the repo, so repo-wide checks never see it). */
export function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tasktide-gitops-')), name);
  writeFileSync(path, content);
  return path;
}
