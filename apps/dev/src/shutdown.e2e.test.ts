import { expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killGroup, spawnLogged, waitFor } from '@tasktide/local-stack';

// bun dev under load: SIGTERM must end it — keep-alive connections still sending included — within
// the drain deadline (exitOnSignal), not minutes later as an outside test saw. This harness did not
// reproduce that hang with the unbounded stop() either; it guards the bound.
test('SIGTERM after 200 open connections: the server drains and exits 0', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-shutdown-'));
  const child = spawnLogged(['bun', join(import.meta.dir, 'testing/serve-system.ts')], {
    log: join(dir, 'server.log'),
    env: {
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      TASKTIDE_DATA_DIR: dir,
      JWT_SECRET: 'shutdown-secret-shutdown-secret-000000',
      WEBHOOK_SIGNING_KEY: 'shutdown-webhook-master-key-0000000000',
    },
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the server', async () => (await fetch(`${base}/healthz`)).ok, 60_000, 100);
    // 200 keep-alive connections of a load generator that is still running when the signal comes:
    // each sends its next request as soon as the last one is answered.
    const request = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
    let answered = 0;
    const sockets = await Promise.all(
      Array.from({ length: 200 }, () =>
        Bun.connect({
          hostname: '127.0.0.1',
          port,
          socket: {
            data(socket) {
              answered++;
              socket.write(request);
            },
          },
        }).then((socket) => {
          socket.write(request);
          return socket;
        }),
      ),
    );
    await waitFor('the load to run', async () => answered > 1_000, 60_000, 50);
    killGroup(child, 'SIGTERM');
    const code = await Promise.race([child.exited, Bun.sleep(30_000).then(() => 'still running')]);
    expect(code).toBe(0);
    for (const s of sockets) s.end();
  } finally {
    killGroup(child, 'SIGKILL');
  }
}, 120_000);
