/**
 * amtool (Debian's prometheus-alertmanager package, extracted by scripts/platform/install-amtool.sh)
 * over the Alertmanager config that kube-prometheus-stack is given. The chart itself cannot be had
 * here (scripts/platform/charts/recipes.ts), so the config is rendered from the same value files by
 * helm (its merge semantics: base values, then the cluster overlay) through a one-template chart.
 * Receiver credentials are files of a mounted Secret; the test points them at placeholder files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, YAML } from './deps.ts';
import { helm } from './helm.ts';

let dir: string | undefined;

/** Installs amtool on first use (cached outside the repo) and returns its path. */
export function amtool(): string {
  if (!dir) {
    const res = spawnSync('bash', [join(repoRoot, 'scripts/platform/install-amtool.sh')], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`install-amtool.sh failed: ${res.stderr}`);
    dir = res.stdout.trim().split('\n').at(-1)!;
  }
  return join(dir, 'amtool');
}

export function runAmtool(args: string[]) {
  const res = spawnSync(amtool(), args, { encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

export type AlertmanagerValues = {
  config: { receivers: Record<string, unknown>[]; route: Record<string, unknown> } & Record<string, unknown>;
  alertmanagerSpec: { secrets?: string[] };
};

export const kpsValueFiles = (cluster: string) => [
  'gitops/platform/values/kube-prometheus-stack.yaml',
  `clusters/${cluster}/values/platform/kube-prometheus-stack.yaml`,
];

/** `.Values.alertmanager` after helm merged the value files, exactly as the chart receives it. */
export async function alertmanagerValues(cluster: string): Promise<AlertmanagerValues> {
  const chart = mkdtempSync(join(tmpdir(), 'tasktide-amcfg-'));
  mkdirSync(join(chart, 'templates'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: alertmanager-values\nversion: 0.0.0\n');
  writeFileSync(join(chart, 'templates', 'values.yaml'), '{{ .Values.alertmanager | toYaml }}\n');
  const out = await helm(['template', 'x', chart, ...kpsValueFiles(cluster).flatMap((f) => ['-f', f])]).finally(() =>
    rmSync(chart, { recursive: true, force: true }),
  );
  if (!out.ok) throw new Error(`helm template (alertmanager values, ${cluster}) failed: ${out.stderr}`);
  return YAML.parse(out.stdout) as AlertmanagerValues;
}

/** Where the operator mounts `alertmanagerSpec.secrets` inside the Alertmanager pod. */
export const secretsMount = '/etc/alertmanager/secrets/';

/**
 * Writes the config as alertmanager.yml, with every `…_file` under the secrets mount pointed at a
 * placeholder file in the same temp dir (the real ones exist only in the pod). Returns its path.
 */
export function concreteConfig(values: AlertmanagerValues): string {
  const work = mkdtempSync(join(tmpdir(), 'tasktide-amtool-'));
  const text = YAML.stringify(values.config).replaceAll(secretsMount, `${work}/secrets/`);
  for (const file of credentialFiles(values)) {
    const local = join(work, 'secrets', file.slice(secretsMount.length));
    mkdirSync(join(local, '..'), { recursive: true });
    writeFileSync(local, file.endsWith('-url') ? 'https://hooks.example.invalid/placeholder\n' : 'placeholder\n');
  }
  writeFileSync(join(work, 'alertmanager.yml'), text);
  return join(work, 'alertmanager.yml');
}

type Receiver = Record<string, unknown>;
const integrations = (r: Receiver) =>
  Object.entries(r)
    .filter(([k]) => k.endsWith('_configs'))
    .flatMap(([kind, list]) => (list as Record<string, unknown>[]).map((c) => ({ kind, config: c })));

/** Every `…_file` a receiver reads its credential from. */
export function credentialFiles(values: AlertmanagerValues): string[] {
  return values.config.receivers.flatMap((r) =>
    integrations(r).flatMap(({ config }) =>
      Object.entries(config)
        .filter(([k, v]) => k.endsWith('_file') && typeof v === 'string')
        .map(([, v]) => v as string),
    ),
  );
}

// Fields that hold a credential or a secret endpoint in Alertmanager's receiver configs; each has a
// `…_file` twin, which is the only form allowed in git.
const inlineSecrets = [
  'routing_key',
  'service_key',
  'api_url',
  'url',
  'auth_password',
  'api_key',
  'bot_token',
  'token',
];

/** Receivers that carry a credential inline, or read one from outside the Secrets mounted into the pod. */
export function credentialProblems(values: AlertmanagerValues, secretKeys: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const r of values.config.receivers) {
    for (const { kind, config } of integrations(r)) {
      for (const key of inlineSecrets.filter((k) => k in config)) {
        out.push(`${r.name}/${kind}: ${key} inline (use ${key}_file from a mounted Secret)`);
      }
    }
  }
  const mounted = new Set(values.alertmanagerSpec.secrets ?? []);
  for (const file of credentialFiles(values)) {
    const [secret, key] = file.startsWith(secretsMount) ? file.slice(secretsMount.length).split('/') : [];
    if (!secret || !key) out.push(`${file}: not under ${secretsMount}<secret>/<key>`);
    else if (!mounted.has(secret)) out.push(`${file}: Secret ${secret} is not in alertmanagerSpec.secrets`);
    else if (!secretKeys.get(secret)?.has(key)) out.push(`${file}: no ExternalSecret fills ${secret}/${key}`);
  }
  return out;
}

/** The receivers amtool resolves for an alert with these labels. */
export function routesTo(configFile: string, labels: Record<string, string>): string[] {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const res = runAmtool(['config', 'routes', 'test', `--config.file=${configFile}`, ...args]);
  if (res.status !== 0) throw new Error(`amtool config routes test failed: ${res.output}`);
  return res.output
    .split('\n')
    .filter((l) => l && !l.startsWith('Warning:'))
    .flatMap((l) => l.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
