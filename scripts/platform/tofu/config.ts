import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/**
 * An OpenTofu configuration read by a real HCL parser (@cdktf/hcl2json: HashiCorp's hcl/v2 compiled
 * to WebAssembly), for the checks that need figures from it without running `tofu plan` (the OCI
 * provider cannot be obtained on these machines). Expressions stay strings ("${var.node_ocpus}");
 * `value` resolves the ones that name a variable to its default, and refuses anything else, so a
 * figure computed some other way is reported instead of guessed.
 */
// biome-ignore lint/suspicious/noExplicitAny: hcl2json's JSON shape
type Any = any;

export interface TofuConfig {
  dir: string;
  /** Every block type → name → bodies, merged over all *.tf files of the directory. */
  blocks: Record<string, Any>;
  /** A number/string literal, or `${var.x}` resolved to x's default. */
  value(expr: unknown, where: string): unknown;
  /** All resources of a type: [name, body]. */
  resources(type: string): [string, Any][];
}

export async function readTofu(dir: string): Promise<TofuConfig> {
  const blocks: Record<string, Any> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()) {
    const json = await parse(file, readFileSync(join(dir, file), 'utf8'));
    for (const [type, body] of Object.entries(json as Record<string, Any>)) {
      if (Array.isArray(body)) blocks[type] = [...(blocks[type] ?? []), ...body];
      else {
        blocks[type] ??= {};
        for (const [k, v] of Object.entries(body)) {
          blocks[type][k] =
            typeof v === 'object' && !Array.isArray(v) ? { ...(blocks[type][k] ?? {}), ...(v as object) } : v;
        }
      }
    }
  }
  const value = (expr: unknown, where: string): unknown => {
    if (typeof expr !== 'string') return expr;
    const ref = expr.match(/^\$\{var\.([a-z0-9_]+)\}$/)?.[1];
    if (!ref) {
      if (expr.includes('${')) throw new Error(`${where}: ${expr} is not a literal or a variable`);
      return expr;
    }
    const variable = blocks.variable?.[ref]?.[0];
    if (!variable || !('default' in variable)) throw new Error(`${where}: variable ${ref} has no default`);
    return variable.default;
  };
  const resources = (type: string): [string, Any][] =>
    Object.entries(blocks.resource?.[type] ?? {}).flatMap(([name, bodies]) =>
      (bodies as Any[]).map((b): [string, Any] => [name, b]),
    );
  return { dir, blocks, value, resources };
}

/** The compute and boot-volume figures of every OKE node pool, resolved to numbers. */
export async function okeNodePools(dir: string) {
  const config = await readTofu(dir);
  return config.resources('oci_containerengine_node_pool').map(([name, pool]) => {
    const where = `oci_containerengine_node_pool.${name}`;
    const shape = pool.node_shape_config?.[0] ?? {};
    const source = pool.node_source_details?.[0] ?? {};
    return {
      name,
      shape: String(config.value(pool.node_shape, `${where}.node_shape`)),
      nodes: Number(config.value(pool.node_config_details?.[0]?.size, `${where}.node_config_details.size`)),
      ocpus: Number(config.value(shape.ocpus, `${where}.node_shape_config.ocpus`)),
      memoryGbs: Number(config.value(shape.memory_in_gbs, `${where}.node_shape_config.memory_in_gbs`)),
      bootVolumeGbs: Number(
        config.value(source.boot_volume_size_in_gbs, `${where}.node_source_details.boot_volume_size_in_gbs`),
      ),
    };
  });
}
