import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDaprd, startScheduler } from './daprd.ts';
import { freePort, waitFor } from './process.ts';

/**
 * Runs one real daprd (+ scheduler) next to a tiny app, drives every building block tasktide uses
 * through it — pub/sub (delivered, retried by a resiliency policy, dropped), state, jobs, service
 * invocation, a cron input binding — and returns the sidecar's Prometheus exposition. In-memory
 * components stand in for Kafka and Postgres: the metric families are per building block, not per
 * component type. Used by the observability test to prove dashboards and alerts only name series a
 * real sidecar exposes.
 */
export async function probeDaprdMetrics(opts: { dir?: string } = {}): Promise<{ daprd: string; scheduler: string }> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tasktide-daprd-probe-'));
  const resources = join(dir, 'components');
  mkdirSync(resources, { recursive: true });
  const component = (name: string, type: string, metadata: Record<string, string> = {}) =>
    stringify({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: { type, version: 'v1', metadata: Object.entries(metadata).map(([name, value]) => ({ name, value })) },
    });
  writeFileSync(join(resources, 'pubsub.yaml'), component('pubsub', 'pubsub.in-memory'));
  writeFileSync(join(resources, 'statestore.yaml'), component('statestore', 'state.in-memory'));
  writeFileSync(
    join(resources, 'sweep.yaml'),
    component('reminder-sweep', 'bindings.cron', { schedule: '@every 1s', direction: 'input' }),
  );
  writeFileSync(
    join(resources, 'resiliency.yaml'),
    stringify({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: { name: 'probe' },
      spec: {
        policies: {
          timeouts: { invoke: '5s' },
          retries: {
            delivery: { policy: 'constant', duration: '100ms', maxRetries: 2 },
            invoke: { policy: 'constant', duration: '100ms', maxRetries: 1 },
          },
          circuitBreakers: {
            app: { maxRequests: 1, interval: '10s', timeout: '20s', trip: 'consecutiveFailures > 50' },
          },
        },
        targets: {
          apps: { probe: { timeout: 'invoke', retry: 'invoke', circuitBreaker: 'app' } },
          components: { pubsub: { inbound: { retry: 'delivery' } } },
        },
      },
    }),
  );
  const configPath = join(dir, 'config.yaml');
  writeFileSync(
    configPath,
    stringify({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: { name: 'probe' },
      spec: {
        nameResolution: {
          component: 'sqlite',
          version: 'v1',
          configuration: { connectionString: join(dir, 'names.db') },
        },
        tracing: { samplingRate: '0' },
        metric: { enabled: true, http: { increasedCardinality: false } },
      },
    }),
  );

  let jobs = 0;
  let failedJobs = 0;
  let deliveries = 0;
  let sweeps = 0;
  const appPort = await freePort();
  const app = Bun.serve({
    port: appPort,
    hostname: '127.0.0.1',
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === '/dapr/subscribe')
        return Response.json([{ pubsubname: 'pubsub', topic: 'probe', route: '/events/probe' }]);
      if (path === '/events/probe') {
        deliveries++;
        // daprd records ingress latency only when the delivery took at least a millisecond
        // (pkg/diagnostics: `if elapsed > 0`); an instant answer made that series come and go.
        await Bun.sleep(5);
        const body = (await req.json()) as { data?: { kind?: string } };
        if (body.data?.kind === 'retry') return Response.json({ status: 'RETRY' });
        if (body.data?.kind === 'drop') return Response.json({ status: 'DROP' });
        return Response.json({ status: 'SUCCESS' });
      }
      if (path === '/job/probe-failing-job') {
        failedJobs++;
        return new Response('no', { status: 500 });
      }
      if (path.startsWith('/job/')) {
        jobs++;
        return new Response(null, { status: 200 });
      }
      if (path === '/reminder-sweep') {
        sweeps++;
        return new Response(null, { status: 200 });
      }
      if (path === '/hello') return Response.json({ ok: true });
      if (path === '/fails') return new Response('no', { status: 500 });
      return new Response('not found', { status: 404 });
    },
  });
  const scheduler = await startScheduler(join(dir, 'scheduler'));
  const sidecar = await startDaprd({
    appId: 'probe',
    appPort,
    resourcesPath: resources,
    configPath,
    schedulerAddress: scheduler.address,
    logFile: join(dir, 'daprd.log'),
  });
  // A second sidecar calls the first over service invocation (sqlite name resolution, as locally).
  const caller = await startDaprd({
    appId: 'probe-caller',
    appPort,
    resourcesPath: resources,
    configPath,
    schedulerAddress: scheduler.address,
    logFile: join(dir, 'caller.daprd.log'),
  });
  try {
    const dapr = `http://127.0.0.1:${sidecar.httpPort}/v1.0`;
    const json = { 'content-type': 'application/json' };
    for (const kind of ['ok', 'ok', 'retry', 'drop']) {
      await fetch(`${dapr}/publish/pubsub/probe`, { method: 'POST', headers: json, body: JSON.stringify({ kind }) });
    }
    await fetch(`${dapr}/state/statestore`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify([{ key: 'k', value: 'v' }]),
    });
    await fetch(`${dapr}/state/statestore/k`);
    await fetch(`${dapr}/jobs/probe-job`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ dueTime: '1s', data: { kind: 'probe' } }),
    });
    await fetch(`${dapr}/jobs/probe-failing-job`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ dueTime: '1s', data: { kind: 'fails' } }),
    });
    const viaCaller = `http://127.0.0.1:${caller.httpPort}/v1.0/invoke/probe/method`;
    await fetch(`${viaCaller}/hello`);
    await fetch(`${viaCaller}/fails`);
    await waitFor(
      'probe traffic handled',
      async () => jobs >= 1 && failedJobs >= 1 && deliveries >= 4 && sweeps >= 1,
      30_000,
      100,
    );
    const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // The app answering is not the sidecar having recorded it: wait until each building block's
    // traffic shows up in its exposition.
    const recorded = [
      'dapr_component_job_success_count',
      'dapr_component_job_failure_count',
      'dapr_component_pubsub_ingress_count',
      'dapr_component_pubsub_ingress_latencies_bucket',
      'dapr_component_input_binding_count',
    ];
    await waitFor(
      'daprd to record the probe traffic',
      async () => {
        const text = await scrape(sidecar.metricsPort);
        return recorded.every((family) => text.includes(family));
      },
      15_000,
      200,
    );
    // Both sidecars' series: the caller has the outbound invocation side, the callee the inbound.
    return {
      daprd: `${await scrape(sidecar.metricsPort)}\n${await scrape(caller.metricsPort)}`,
      scheduler: await scrape(scheduler.metricsPort),
    };
  } finally {
    await caller.stop();
    await sidecar.stop();
    await scheduler.stop();
    await app.stop(true);
  }
}
