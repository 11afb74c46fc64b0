/**
 * Slow tier: builds every service the way its image does (scripts/ci/build-service.ts, which the
 * Dockerfile runs), starts the bundle with only PORT and a data dir — no DATABASE_URL, so the
 * service falls back to embedded PGlite — waits for /healthz, and reports idle RSS. When the test
 * environment has a DATABASE_URL (./run test starts a PostgreSQL), each service is also started
 * against a fresh database on it: that RSS is the production figure the ≤80 MB target is about.
 * There is no Docker here, so this is the part of the image that can be proven.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listServices, REPO_ROOT } from './layout.ts';
import { smokeStart, withScratchDatabase } from './smoke.ts';

const services = listServices();
const work = mkdtempSync(join(tmpdir(), 'tasktide-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`service build + /healthz smoke (${services.length} service(s) under apps/)`, () => {
  test('reports which services it checks', () => {
    console.log(`smoke: checking ${services.length} service(s): ${services.join(', ') || '(none yet)'}`);
    expect(services.every((name) => /^[a-z][a-z0-9-]*$/.test(name))).toBe(true);
  });

  if (services.length === 0) return;

  test.each(services)(
    '%s: bundles like the image, starts without DATABASE_URL, answers /healthz',
    async (app) => {
      const outDir = join(work, app, 'app');
      // The Dockerfile's command, as a process: Bun.build inside `bun test` cannot resolve workspace links.
      const build = Bun.spawnSync(
        [process.execPath, 'scripts/ci/build-service.ts', '--app', app, '--out', outDir, '--with-pglite'],
        { cwd: REPO_ROOT },
      );
      if (build.exitCode !== 0) throw new Error(`build of ${app} failed:\n${build.stderr}${build.stdout}`);
      const entries = ['main.js', 'migrate.js'].filter((file) => existsSync(join(outDir, file)));
      expect(entries[0]).toBe('main.js');
      // The entries and the chunks they share (the build is split, see build-service.ts).
      const scripts = readdirSync(outDir).filter((file) => file.endsWith('.js'));
      const bundleKiB = scripts.reduce((n, file) => n + statSync(join(outDir, file)).size, 0) / 1024;

      const embedded = await smokeStart({ cwd: outDir, env: { TASKTIDE_DATA_DIR: join(work, app, 'data') } });
      console.log(
        `smoke ${app}: bundles ${bundleKiB.toFixed(0)} KiB (${entries.join(', ')} + ${scripts.length - entries.length} chunks); ` +
          `embedded PGlite: /healthz 200 after ${embedded.readyMs} ms, idle RSS ${embedded.rssMiB} MiB, ` +
          `exit after SIGTERM ${embedded.exit}`,
      );

      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl) {
        console.log(`smoke ${app}: production RSS not measured (no DATABASE_URL in the test environment)`);
        return;
      }
      await withScratchDatabase(databaseUrl, app, async (url) => {
        const postgres = await smokeStart({ cwd: outDir, env: { DATABASE_URL: url } });
        console.log(
          `smoke ${app}: PostgreSQL: /healthz 200 after ${postgres.readyMs} ms, idle RSS ${postgres.rssMiB} MiB ` +
            `(target ≤80 MiB), exit after SIGTERM ${postgres.exit}`,
        );
      });
    },
    { timeout: 300_000 },
  );
});
