import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killGroup, spawnLogged, waitFor } from '@tasktide/local-stack';

/**
 * The third-party fuzzer in the suite: schemathesis reads /docs/json and throws generated requests
 * at every operation of a freshly started `bun dev` server — with a token and without — checking
 * that nothing is a 5xx, every status is documented, and every body matches its documented schema
 * and content type. Runs when TASKTIDE_FUZZ=1 (scripts/test-all.sh installs schemathesis and sets
 * it). Fixed seed, bounded examples and time. Nothing is excluded (README, Security model).
 */
const enabled = process.env.TASKTIDE_FUZZ === '1' && !!process.env.TASKTIDE_SCHEMATHESIS;
const checks = 'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance';

describe.skipIf(!enabled)('schemathesis against bun dev', () => {
  let base: string;
  let token: string;
  let server: ReturnType<typeof spawnLogged>;
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-fuzz-'));

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawnLogged(['bun', join(import.meta.dir, '../testing/serve-system.ts')], {
      log: join(dir, 'server.log'),
      env: {
        PORT: String(port),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        TASKTIDE_DATA_DIR: dir,
        JWT_SECRET: 'fuzz-secret-fuzz-secret-fuzz-secret-00000',
        WEBHOOK_SIGNING_KEY: 'fuzz-webhook-master-key-000000000000000',
      },
    });
    await waitFor('bun dev', async () => (await fetch(`${base}/healthz`)).ok, 60_000, 100);
    const account = { email: 'fuzzer@example.com', password: 'correct horse battery staple' };
    await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...account, display_name: 'Fuzzer', timezone: 'Europe/Berlin' }),
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 120_000);
  afterAll(() => killGroup(server, 'SIGKILL'));

  async function schemathesis(name: string, args: string[], maxSeconds: number) {
    const st = spawnLogged(
      [
        process.env.TASKTIDE_SCHEMATHESIS as string,
        'run',
        `${base}/docs/json`,
        '--checks',
        checks,
        '--seed',
        '20261205',
        '--max-examples',
        '25',
        '--max-time',
        String(maxSeconds),
        '--workers',
        '1',
        '--no-color',
        ...args,
      ],
      // its crash cache (.schemathesis/) lands in the run's temp dir, not the checkout
      { log: join(dir, `schemathesis-${name}.log`), cwd: dir, env: { SCHEMATHESIS_TELEMETRY: 'false' } },
    );
    const code = await st.exited;
    const output = await Bun.file(join(dir, `schemathesis-${name}.log`)).text();
    const generated = /(\d+) generated/.exec(output)?.[1] ?? '?';
    console.log(`schemathesis (${name}): ${generated} test cases, exit ${code}`);
    if (code !== 0) console.log(output.slice(-20_000));
    return { code, generated: Number(generated) };
  }

  test('with a token: no server error, every status and body as documented', async () => {
    const run = await schemathesis('authenticated', ['--header', `Authorization: Bearer ${token}`], 150);
    expect(run.code).toBe(0);
    expect(run.generated).toBeGreaterThan(500);
  }, 400_000);

  test('without a token: the same, every protected operation a documented 401', async () => {
    const run = await schemathesis('anonymous', [], 60);
    expect(run.code).toBe(0);
    expect(run.generated).toBeGreaterThan(200);
  }, 200_000);
});
