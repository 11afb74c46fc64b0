import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killGroup, spawnLogged, stopProcess, waitFor } from '@tasktide/local-stack';
import type { Subprocess } from 'bun';

// A service as its own process (what a pod runs) with METRICS_PORT set, as the chart sets it:
// Prometheus's series are on that port only; the public port, which the Service and the ingress
// expose, answers 404 problem+json for /metrics.
describe('a service process with a metrics port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-metrics-port-'));
  let child: Subprocess;
  let publicBase: string;
  let metricsBase: string;

  beforeAll(async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    publicBase = `http://127.0.0.1:${port}`;
    metricsBase = `http://127.0.0.1:${metricsPort}`;
    // The recurrence service: no database and no credentials, so the process shape is all there is.
    child = spawnLogged(['bun', join(import.meta.dir, '../../recurrence/src/main.ts')], {
      log: join(dir, 'recurrence.log'),
      env: {
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
        TASKTIDE_DATA_DIR: dir,
      },
    });
    await waitFor('the service and its metrics listener', async () => {
      const [health, metrics] = await Promise.all([fetch(`${publicBase}/readyz`), fetch(`${metricsBase}/metrics`)]);
      return health.ok && metrics.ok;
    });
  }, 90_000);
  afterAll(() => killGroup(child, 'SIGKILL'));

  test('the metrics port serves the series, in Prometheus text format', async () => {
    const res = await fetch(`${metricsBase}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('process_cpu_seconds_total');
    expect(body).toContain('http_requests_total');
  });

  test('the public port does not: 404 problem+json', async () => {
    const res = await fetch(`${publicBase}/metrics`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.text()).not.toContain('process_cpu_seconds_total');
  });

  test('the metrics port serves nothing else', async () => {
    for (const path of ['/healthz', '/readyz', '/docs/json', '/']) {
      expect((await fetch(`${metricsBase}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${metricsBase}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  test('SIGTERM closes both listeners and the process exits 0', async () => {
    await stopProcess(child, 'SIGTERM', 30_000);
    expect(child.exitCode).toBe(0);
    await expect(fetch(`${metricsBase}/metrics`)).rejects.toThrow();
  }, 40_000);
});
