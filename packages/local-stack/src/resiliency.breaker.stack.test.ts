import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eventually } from '@tasktide/service-kit/testing';
import { Elysia } from 'elysia';
import { stackEnabled } from './enabled.ts';
import { clusterResiliency } from './resiliency.ts';
import { type LocalStack, type RunningApp, sharedStack } from './stack.ts';

// The real policy set (the cluster file, as the local stack loads it) on real daprd: a failing
// invocation target opens invokeBreaker, callers then fail fast without reaching it, and after the
// breaker's timeout one successful probe closes it again. No test-only policy: the 10 s open state
// is the clusters' own.
describe.skipIf(!stackEnabled)('invokeBreaker on service invocation (real daprd)', () => {
  let stack: LocalStack;
  let caller: RunningApp;
  const target = { status: 200, hits: 0 };
  const { policies, targets } = clusterResiliency().spec;
  const breaker = policies.circuitBreakers[targets.apps.api.circuitBreaker];

  beforeAll(async () => {
    stack = await sharedStack('resiliency.breaker.stack');
    // The breaker is kept per target app id: the stand-in answers as `api`.
    await stack.startApp('api', () =>
      new Elysia().get('/internal/flaky', ({ set }) => {
        target.hits++;
        set.status = target.status;
        return target.status === 200 ? 'ok' : 'down';
      }),
    );
    caller = await stack.startApp('breaker-caller', () => new Elysia());
  }, 120_000);
  afterAll(() => stack?.close());

  const call = async () => {
    const res = await caller.platform.invoker.invoke('api', 'internal/flaky');
    return { status: res.status, body: await res.text() };
  };
  const isOpen = (r: { body: string }) => /circuit breaker is open/.test(r.body);
  /** daprd's count of breaker transitions into `status` for the api target. */
  const transitions = async (status: 'open' | 'closed') => {
    const text = await (await fetch(`http://127.0.0.1:${caller.sidecar.metricsPort}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('dapr_resiliency_activations_total{') &&
          l.includes('policy="circuitbreaker"') &&
          l.includes(`status="${status}"`) &&
          l.includes('target="app_api"'),
      );
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  test('the api target is guarded by a breaker that trips after consecutive failures', () => {
    expect(targets.apps.api.circuitBreaker).toBe('invokeBreaker');
    expect(breaker.trip).toMatch(/^consecutiveFailures > \d+$/);
  });

  test('a 4xx answer is not retried (only 5xx are)', async () => {
    target.status = 404;
    const before = target.hits;
    expect((await call()).status).toBe(404);
    expect(target.hits - before).toBe(1);
  });

  test('opens on a failing target, fails fast while open, closes after recovery', async () => {
    target.status = 503;
    const opened = await eventually('invokeBreaker to open', async () => isOpen(await call()) && Date.now());
    expect(await transitions('open')).toBe(1);

    // Open: callers get the breaker's error at once and the target sees no traffic.
    const hitsWhileOpen = target.hits;
    for (let i = 0; i < 3; i++) expect(isOpen(await call())).toBe(true);
    expect(target.hits).toBe(hitsWhileOpen);

    target.status = 200;
    const ok = await eventually(
      'invokeBreaker to let a probe through and close',
      async () => {
        const r = await call();
        return r.status === 200 && r;
      },
      60_000,
      200,
    );
    expect(ok.body).toBe('ok');
    // It stayed open for the policy's timeout (lower bound only: a busy machine only adds to it).
    expect(Date.now() - opened).toBeGreaterThanOrEqual(Number.parseInt(breaker.timeout, 10) * 1000 - 500);
    expect(await transitions('closed')).toBe(1);
    expect((await call()).status).toBe(200);
  }, 120_000);
});
