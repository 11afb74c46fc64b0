import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smokeStart } from './smoke.ts';

const work = mkdtempSync(join(tmpdir(), 'smoke-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A one-file "service" in its own app dir. */
function service(name: string, source: string): string {
  const dir = join(work, name, 'app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), source);
  return dir;
}

describe('smokeStart', () => {
  test('reports readiness, idle RSS and the exit after SIGTERM of a healthy service', async () => {
    const cwd = service(
      'healthy',
      `const server = Bun.serve({ port: Number(process.env.PORT), fetch: () => new Response('ok') });
       process.on('SIGTERM', () => { server.stop(); process.exit(0); });`,
    );
    const result = await smokeStart({ cwd, settleMs: 0 });
    expect(result.exit).toBe(0);
    expect(Number(result.rssMiB)).toBeGreaterThan(1);
  });

  test('passes only PORT and the given env: no DATABASE_URL leaks in', async () => {
    // Set for this test only: later test files in the same process read DATABASE_URL too.
    const before = process.env.DATABASE_URL;
    process.env.DATABASE_URL ??= 'postgres://leak@127.0.0.1/never';
    try {
      const cwd = service(
        'env',
        `const leaked = 'DATABASE_URL' in process.env || process.env.EXTRA !== 'yes';
         Bun.serve({ port: Number(process.env.PORT), fetch: () => new Response('', { status: leaked ? 500 : 200 }) });`,
      );
      await expect(smokeStart({ cwd, env: { EXTRA: 'yes' }, settleMs: 0 })).resolves.toBeDefined();
    } finally {
      if (before === undefined) delete process.env.DATABASE_URL;
    }
  });

  test('fails with the output of a service that crashes at start', async () => {
    const cwd = service('crash', `console.error('invalid configuration: JWT_SECRET is required'); process.exit(78);`);
    await expect(smokeStart({ cwd, timeoutMs: 5_000 })).rejects.toThrow(
      /exited with 78\)[\s\S]*invalid configuration: JWT_SECRET is required/,
    );
  });

  test('fails a service that never answers /healthz with 200', async () => {
    const cwd = service(
      'unhealthy',
      `Bun.serve({ port: Number(process.env.PORT), fetch: () => new Response('starting', { status: 503 }) });`,
    );
    await expect(smokeStart({ cwd, timeoutMs: 1_500 })).rejects.toThrow('no 200 from /healthz within 1500 ms');
  });
});
