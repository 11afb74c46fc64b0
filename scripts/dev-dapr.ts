/**
 * `bun run dev:dapr`: every app as its own process with its own daprd sidecar, on a real Kafka
 * broker, the Dapr scheduler and PostgreSQL — the same shape as the clusters, on one machine.
 * Credentials reach the apps through the Dapr secret store (secretstores.local.file), as in-cluster.
 * Ctrl-C stops everything. Data lives under .data/dapr-stack (delete it to start over).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runScript, spawnLogged, startDaprd, startLocalStack, waitFor } from '@tasktide/local-stack';
import postgres from 'postgres';
import { services as definitions } from '../apps/dev/src/services.ts';
import { credentialSources, secretScopeAllowlist } from '../packages/platform/src/credentials.ts';

const root = join(import.meta.dir, '..');
const dir = join(root, '.data/dapr-stack');
mkdirSync(dir, { recursive: true });
// The dev system's service list: each appId is also the service's folder under apps/.
const apps = definitions.map((d) => d.appId).filter((app) => existsSync(join(root, 'apps', app, 'src/main.ts')));

console.log('starting PostgreSQL, Kafka and the Dapr scheduler…');
const adminUrl =
  process.env.DATABASE_URL ?? (await runScript('scripts/platform/start-postgres.sh', [join(dir, 'pg'), '54330']));
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const [row] = await admin`select exists(select 1 from pg_database where datname = 'tasktide') as exists`;
if (!row?.exists) await admin.unsafe('create database tasktide');
await admin.end();
const appUrl = Object.assign(new URL(adminUrl), { pathname: '/tasktide' }).toString();
// The same secret scope as the clusters' Configuration: only the secrets the services read.
const stack = await startLocalStack({
  dir,
  postgresUrl: adminUrl,
  resources: { allowedSecrets: secretScopeAllowlist(definitions) },
});

const random = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
const secretsFile = join(dir, 'secrets.json');
if (!existsSync(join(dir, 'secrets.keep'))) {
  writeFileSync(
    join(dir, 'secrets.keep'),
    JSON.stringify({ JWT_SECRET: random(), WEBHOOK_SIGNING_KEY: random(), OPERATOR_TOKEN: random() }),
  );
}
const kept = JSON.parse(await Bun.file(join(dir, 'secrets.keep')).text());
const values: Record<string, string> = { APP_API_TOKEN: random(), ...kept, DATABASE_URL: appUrl };
// Laid out like the clusters' Kubernetes Secrets (what the External Secrets write): one secret per
// Secret object, the credentials as keys inside it.
const store: Record<string, Record<string, string>> = {};
for (const source of definitions.flatMap(credentialSources)) {
  const value = values[source.name];
  if (value) store[source.secret] = { ...store[source.secret], [source.key]: value };
}
writeFileSync(secretsFile, JSON.stringify(store));

const urls: string[] = [];
for (const [i, app] of apps.entries()) {
  const port = app === 'api' ? Number(process.env.PORT ?? 3000) : 3001 + i;
  const daprHttp = await freePort();
  spawnLogged(['bun', join(root, 'apps', app, 'src/main.ts')], {
    log: join(dir, `${app}.log`),
    env: {
      PORT: String(port),
      TASKTIDE_BUS: 'dapr',
      DAPR_HTTP_PORT: String(daprHttp),
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
    },
    cwd: root,
  });
  await startDaprd({
    appId: app,
    appPort: port,
    httpPort: daprHttp,
    ...stack.resources,
    schedulerAddress: stack.scheduler.address,
    logFile: join(dir, `${app}.daprd.log`),
    appApiToken: values.APP_API_TOKEN,
  });
  await waitFor(`${app} ready`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000);
  urls.push(`    ${app.padEnd(11)} http://localhost:${port}   (daprd http ${daprHttp})`);
}
console.log(`
  tasktide is running on the real platform (Kafka ${stack.kafka.brokers[0]}, Postgres, daprd per app)
${urls.join('\n')}
    API docs    http://localhost:${process.env.PORT ?? 3000}/docs
  Logs: ${dir}/*.log · Ctrl-C stops everything.
`);
process.on('SIGINT', async () => {
  await stack.close();
  process.exit(0);
});
