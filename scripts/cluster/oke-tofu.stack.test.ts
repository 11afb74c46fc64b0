import { describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runScript } from '@tasktide/local-stack';
import { okeNodePools, readTofu } from '../platform/tofu/config.ts';

/**
 * clusters/oke/tofu checked offline with a real OpenTofu (built from its Go module by
 * scripts/platform/tofu/install.sh) and a real HCL parser. What cannot run here: `tofu init` of the
 * OCI provider (registry.opentofu.org is out of reach), hence no `tofu validate`/`plan` of the whole
 * configuration; the Always Free figures are checked by gitops/tests/budget.test.ts from the parsed
 * HCL instead. What does run: `tofu fmt -check`, and the provider-free part (the variables and
 * their validations) through init + validate + plan, which also proves `required_version` admits
 * the OpenTofu built here and that the cross-variable validation holds.
 */
const TOFU_DIR = join(repoRoot, 'clusters/oke/tofu');
const enabled = process.env.TASKTIDE_KUBE === '1';

async function tofu(args: string[], cwd: string) {
  const bin = process.env.TASKTIDE_TOFU_BIN || (await runScript('scripts/platform/tofu/install.sh'));
  const proc = Bun.spawn([join(bin, 'tofu'), ...args], {
    cwd,
    stdout: 'pipe',
    stderr: 'pipe',
    // No network and no telemetry: nothing here may reach a registry.
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out: `${stdout}${stderr}` };
}

/** variables.tf plus the `terraform` block without required_providers: all that runs without OCI. */
function providerFree(dir: string) {
  cpSync(join(TOFU_DIR, 'variables.tf'), join(dir, 'variables.tf'));
  const required = readFileSync(join(TOFU_DIR, 'versions.tf'), 'utf8').match(/required_version\s*=\s*"[^"]+"/)?.[0];
  if (!required) throw new Error('versions.tf: no required_version');
  writeFileSync(join(dir, 'versions.tf'), `terraform {\n  ${required}\n}\n`);
  writeFileSync(
    join(dir, 'terraform.tfvars'),
    'tenancy_ocid = "t"\ncompartment_ocid = "c"\nadmin_cidr = "192.0.2.1/32"\n',
  );
}

describe.skipIf(!enabled)('OpenTofu: clusters/oke/tofu', () => {
  test('tofu fmt -check: the configuration is formatted as OpenTofu formats it', async () => {
    const res = await tofu(['fmt', '-check', '-diff', '-recursive', TOFU_DIR], repoRoot);
    console.log(`tofu fmt -check: exit ${res.code}${res.out.trim() ? `\n${res.out}` : ''}`);
    expect(res.code).toBe(0);
  }, 600_000); // a cold machine builds tofu first

  test('catches a broken fixture: a misformatted file fails fmt -check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasktide-tofu-fmt-'));
    try {
      writeFileSync(join(dir, 'main.tf'), 'variable "x" {\ndefault=1\n}\n');
      expect((await tofu(['fmt', '-check', dir], repoRoot)).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  test('required_version admits this OpenTofu; the variables validate and plan (defaults in budget)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasktide-tofu-vars-'));
    try {
      providerFree(dir);
      const version = await tofu(['version'], dir);
      console.log(version.out.split('\n')[0]);
      for (const args of [['init', '-backend=false', '-input=false'], ['validate'], ['plan', '-input=false']]) {
        const res = await tofu(args, dir);
        if (res.code !== 0) console.log(res.out);
        expect(`${args[0]}: exit ${res.code}`).toBe(`${args[0]}: exit 0`);
      }
      // The cross-variable validation bites: 2 nodes × 4 OCPU is over the Always Free 4.
      const over = await tofu(['plan', '-input=false', '-var', 'node_count=2'], dir);
      expect(over.code).not.toBe(0);
      expect(over.out).toContain('Always Free 4 OCPU / 24 GB');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('the HCL reader behind the OKE budget (scripts/platform/tofu/config.ts)', () => {
  test('reads the node pool from clusters/oke/tofu with the variables resolved', async () => {
    const [pool] = await okeNodePools(TOFU_DIR);
    expect(pool).toMatchObject({ shape: 'VM.Standard.A1.Flex', nodes: 1, ocpus: 4, memoryGbs: 24, bootVolumeGbs: 50 });
  });

  test('catches a broken fixture: a computed figure is refused, not guessed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasktide-hcl-'));
    try {
      writeFileSync(
        join(dir, 'main.tf'),
        `variable "n" {\n  default = 2\n}\nresource "oci_containerengine_node_pool" "p" {\n  node_shape = "VM.Standard.A1.Flex"\n  node_shape_config {\n    ocpus         = var.n * 2\n    memory_in_gbs = 6\n  }\n  node_config_details {\n    size = var.n\n  }\n  node_source_details {\n    boot_volume_size_in_gbs = 50\n  }\n}\n`,
      );
      await expect(okeNodePools(dir)).rejects.toThrow(/ocpus.*not a literal or a variable/);
      const config = await readTofu(dir);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL's interpolation syntax, as hcl2json returns it
      expect(config.value('${var.n}', 'n')).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
