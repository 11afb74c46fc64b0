import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  localResources,
  repoRoot,
  type Sidecar,
  spawnLogged,
  stackEnabled,
  startDaprd,
  stopProcess,
  waitFor,
} from '@tasktide/local-stack';
import { secretScopeAllowlist } from '@tasktide/platform';
import type { Subprocess } from 'bun';
import postgres from 'postgres';
import { apiService } from './definition.ts';

// Real daprd, as in the clusters: the api in production mode with TASKTIDE_BUS=dapr reads every
// credential through the Dapr secrets API (a multi-valued file store standing in for the Kubernetes
// one, behind a secret-scope Configuration derived from the code like the cluster's), ignores the
// credentials it finds in env, and refuses to start — naming the credential — when the store lacks
// one or the scope does not allow it.
describe.skipIf(!stackEnabled)('api credentials only from the Dapr secret store (real daprd)', () => {
  const JWT_SECRET = `store-jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const APP_TOKEN = `store-app-token-${crypto.randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-credentials-'));
  let admin: postgres.Sql;
  let apiDbUrl: string;
  let stateUrl: string;
  let createDatabase: (prefix: string) => Promise<string>;
  const running: (Sidecar | Subprocess)[] = [];

  beforeAll(async () => {
    const adminUrl = process.env.DATABASE_URL as string;
    admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const create = async (prefix: string) => {
      const name = `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
      await admin.unsafe(`create database "${name}"`);
      return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
    };
    createDatabase = create;
    [apiDbUrl, stateUrl] = await Promise.all([create('cred_api'), create('cred_state')]);
  });
  afterAll(async () => {
    for (const p of running) await ('stop' in p ? p.stop() : stopProcess(p));
    await admin.end();
  });

  /** The store the External Secrets would fill: one secret per Kubernetes Secret, keys inside. */
  const fullStore = () => ({
    'tasktide-database': { DATABASE_URL: apiDbUrl },
    'api-secrets': { JWT_SECRET },
    'tasktide-dapr-app-token': { token: APP_TOKEN },
  });

  /** Starts daprd (secret store + state store + scoped Configuration), then `bun apps/api/src/main.ts`. */
  async function startApi(name: string, store: object, allowedSecrets: string[]) {
    const at = join(dir, name);
    const components = join(at, 'components');
    mkdirSync(components, { recursive: true });
    const secretsFile = join(at, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify(store));
    const all = localResources({
      kafkaBrokers: [],
      stateStoreUrl: stateUrl,
      secretsFile,
      nameResolutionFile: join(at, 'nr.db'),
      allowedSecrets,
    });
    // Only what this test needs from the local platform's resources: no broker, no cron. (JSON is YAML.)
    for (const file of ['secretstore.yaml', 'statestore.yaml']) {
      writeFileSync(join(components, file), JSON.stringify(all[file]));
    }
    writeFileSync(join(at, 'config.yaml'), JSON.stringify(all['config.yaml']));
    const [appPort, httpPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const sidecar = await startDaprd({
      appId: 'api',
      appPort,
      httpPort,
      resourcesPath: components,
      configPath: join(at, 'config.yaml'),
      schedulerAddress: '',
      logFile: join(at, 'daprd.log'),
      appApiToken: APP_TOKEN,
      waitForApp: false,
    });
    running.push(sidecar);
    const log = join(at, 'api.log');
    const app = spawnLogged(['bun', join(repoRoot, 'apps/api/src/main.ts')], {
      log,
      cwd: repoRoot,
      env: {
        NODE_ENV: 'production',
        TASKTIDE_BUS: 'dapr',
        DAPR_HTTP_PORT: String(httpPort),
        PORT: String(appPort),
        METRICS_PORT: String(metricsPort),
        TASKTIDE_DATA_DIR: join(at, 'data'),
        LOG_LEVEL: 'info',
        // Credentials in env must be ignored in production: these would point at the wrong
        // database and sign tokens with the wrong key.
        DATABASE_URL: process.env.DATABASE_URL,
        JWT_SECRET: 'env-jwt-secret-that-must-be-ignored-0123456789',
        APP_API_TOKEN: undefined,
      },
    });
    running.push(app);
    const logText = () => readFileSync(log, 'utf8');
    /** The line the process died with (pino JSON). */
    const fatal = () =>
      logText()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: string; msg: string; missing?: string[] })
        .find((line) => line.level === 'fatal');
    return { url: `http://127.0.0.1:${appPort}`, app, logText, fatal };
  }

  const allowed = secretScopeAllowlist([apiService]);

  test('the allowlist the code derives is the three secrets the api reads', () => {
    expect(allowed).toEqual(['api-secrets', 'tasktide-dapr-app-token', 'tasktide-database']);
  });

  test('starts with credentials only from the store, and uses them', async () => {
    const api = await startApi('ok', fullStore(), allowed);
    await waitFor('api ready', async () => {
      if (api.app.exitCode !== null) throw new Error(`api exited ${api.app.exitCode}:\n${api.logText()}`);
      return (await fetch(`${api.url}/readyz`).catch(() => undefined))?.ok;
    });
    expect(api.logText()).toMatch(/DATABASE_URL, JWT_SECRET set in env but ignored/);

    const email = `cred-${crypto.randomUUID()}@example.com`;
    const password = 'correct horse battery staple';
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const registered = await post('/api/v1/auth/register', {
      email,
      password,
      display_name: 'Cred',
      timezone: 'UTC',
    });
    expect(registered.status).toBe(201);
    // The account is in the store's database, not in the one env named.
    const apiDb = postgres(apiDbUrl, { max: 1 });
    const [row] = await apiDb`select count(*)::int as n from api.users where email = ${email}`;
    await apiDb.end();
    expect(row?.n).toBe(1);

    const login = await post('/api/v1/auth/login', { email, password });
    const { access_token: token } = (await login.json()) as { access_token: string };
    // Signed with the store's JWT_SECRET.
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(JWT_SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const valid = await crypto.subtle.verify(
      'HMAC',
      key,
      Buffer.from(signature, 'base64url'),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(valid).toBe(true);

    // The internal routes want the store's app token (what daprd presents), nothing else.
    const resolve = (t: string) => post('/internal/auth/resolve', { token }, { 'dapr-api-token': t });
    expect((await resolve(APP_TOKEN)).status).toBe(200);
    expect((await resolve('not-the-token')).status).toBe(403);
  });

  test('the migration Job reads DATABASE_URL from its mounted Secret file, not env', async () => {
    const at = join(dir, 'migrate');
    mkdirSync(join(at, 'credentials'), { recursive: true });
    const target = await createDatabase('cred_migrate');
    // The chart mounts tasktide-database's DATABASE_URL key as this file (kubelet adds no newline,
    // but an operator-made Secret may have one).
    writeFileSync(join(at, 'credentials', 'DATABASE_URL'), `${target}\n`);
    const log = join(at, 'migrate.log');
    const migrate = spawnLogged(['bun', join(repoRoot, 'apps/api/src/migrate.ts')], {
      log,
      cwd: repoRoot,
      env: {
        NODE_ENV: 'production',
        TASKTIDE_CREDENTIALS_DIR: join(at, 'credentials'),
        // Must be ignored: nothing listens there, so reading it fails the migration.
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never',
        TASKTIDE_DATA_DIR: join(at, 'data'),
      },
    });
    expect({ code: await migrate.exited, log: readFileSync(log, 'utf8').slice(-2000) }).toMatchObject({ code: 0 });
    const db = postgres(target, { max: 1 });
    const [row] = await db`select to_regclass('api.users') is not null as migrated`;
    await db.end();
    expect(row?.migrated).toBe(true);
  });

  test('refuses to start when the store lacks a credential, naming it', async () => {
    const api = await startApi('missing', { ...fullStore(), 'api-secrets': { OTHER: 'x' } }, allowed);
    expect(await api.app.exited).toBe(78);
    expect(api.fatal()?.missing).toEqual(['JWT_SECRET']);
    expect(api.fatal()?.msg).toContain('JWT_SECRET missing: secret "api-secrets" in the Dapr secret store');
  });

  test('refuses to start when the secret scope does not allow a secret, naming it', async () => {
    const api = await startApi(
      'denied',
      fullStore(),
      allowed.filter((s) => s !== 'api-secrets'),
    );
    expect(await api.app.exited).toBe(78);
    expect(api.fatal()?.missing).toEqual(['JWT_SECRET']);
    expect(api.fatal()?.msg).toContain('JWT_SECRET: the Dapr secret store "secretstore" refused secret "api-secrets"');
    expect(api.fatal()?.msg).toContain('access denied by policy');
  });
});
