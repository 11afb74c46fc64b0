import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, waitFor } from './index.ts';

// A stack that owns its Postgres starts it with PG_TIED_TO=<its pid>: pg_ctl daemonizes the server,
// and without the tie a runner SIGKILLed before its teardown left it running.
const dir = mkdtempSync(join(tmpdir(), 'tasktide-pg-tied-'));
const running = () => spawnSync('pgrep', ['-f', `postgres -D ${dir}/pg`]).status === 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a Postgres tied to a runner stops when the runner is SIGKILLed', async () => {
  const port = await freePort();
  const runner = Bun.spawn(
    ['bash', '-c', `PG_TIED_TO=$$ scripts/platform/start-postgres.sh ${dir}/pg ${port} > ${dir}/url; exec sleep 120`],
    { cwd: repoRoot, stdout: 'ignore', stderr: 'ignore' },
  );
  await waitFor('postgres started', async () => existsSync(join(dir, 'url')) && running(), 60_000);
  runner.kill('SIGKILL');
  await runner.exited;
  expect(await waitFor('postgres stopped', async () => !running(), 30_000)).toBe(true);
}, 90_000);
