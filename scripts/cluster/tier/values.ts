import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { parse } from 'yaml';
import { type HelmSource, helmTemplate, type RenderEnv } from './helm.ts';

// biome-ignore lint/suspicious/noExplicitAny: Helm values of any shape
type Values = any;

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Helm's merge of value files: maps merge deeply, anything else is replaced by the later file. */
export function mergeValues(a: Values, b: Values): Values {
  if (!isMap(a) || !isMap(b)) return b === undefined ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = mergeValues(a[k], v);
  return out;
}

export function mergedValues(files: string[], extra?: Values): Values {
  const merged = files.reduce((acc, f) => mergeValues(acc, parse(readFileSync(join(repoRoot, f), 'utf8')) ?? {}), {});
  return extra ? mergeValues(merged, extra) : merged;
}

/** Every value we set: map leaves, with lists and empty maps as leaves of their own. */
export function leaves(values: Values, path: string[] = []): { path: string[]; value: unknown }[] {
  if (isMap(values) && Object.keys(values).length) {
    return Object.entries(values).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return path.length ? [{ path, value: values }] : [];
}

/** A different value of the same kind, so a chart that reads it must render something else. */
function mutate(value: unknown): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}-x`;
  if (Array.isArray(value)) return [...value, value[0] ?? 'x'];
  if (isMap(value)) return { tierProbe: 'x' };
  return 'x';
}

const nest = (path: string[], value: unknown): Values =>
  path.reduceRight<Values>((inner, key) => ({ [key]: inner }), value);

/**
 * Values in our files that the chart ignores: changing one leaves the rendered chart byte for byte
 * the same (helm template is deterministic for these charts). Such a value only looks like it
 * configures something — Dapr 1.18's dapr_scheduler.replicaCount is the example that bit.
 */
export async function ignoredValues(src: HelmSource, env: RenderEnv): Promise<string[]> {
  const baseline = await helmTemplate(src, env);
  const all = leaves(mergedValues(src.valueFiles, src.extraValues));
  const ignored: string[] = [];
  // Two renders at a time: helm is quick, and the machine has two cores.
  for (let i = 0; i < all.length; i += 2) {
    const batch = all.slice(i, i + 2);
    const results = await Promise.all(
      batch.map(async ({ path, value }) => {
        const extraValues = mergeValues(src.extraValues ?? {}, nest(path, mutate(value)));
        try {
          return (await helmTemplate({ ...src, extraValues }, env)) === baseline;
        } catch {
          return false; // the chart refuses the other value: it reads it
        }
      }),
    );
    results.forEach((same, j) => {
      if (same) ignored.push(`${batch[j]!.path.join('.')}=${JSON.stringify(batch[j]!.value)}`);
    });
  }
  return ignored;
}
