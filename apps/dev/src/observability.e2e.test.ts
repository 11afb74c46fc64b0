// Observability end to end on the embedded system (one process, every service): exercise it over
// HTTP like a user, then prove (1) every metric a Grafana panel or an alert rule names is exposed —
// by the system's /metrics, or by a real daprd and Dapr scheduler after traffic (the in-cluster-only
// ones sit on a documented allow-list), and (2) every log line is JSON carrying service, version,
// pod and correlation fields, with a request's trace id on the consumer lines of the events it caused.
// PromQL parsing itself is proven by promtool in gitops/tests/{alerts,dashboards}.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '@tasktide/api/testing';
import { daprBinDir, freePort, probeDaprdMetrics, stackEnabled } from '@tasktide/local-stack';
import {
  dashboardQueries,
  exposedNames,
  inClusterOnly,
  metricNames,
  recordedNames,
  ruleQueries,
} from '../../../gitops/tests/lib/promql.ts';

const traceId = 'ab42124a3c573678d4d8b21ba52df3bf';
const requestId = `obs-${crypto.randomUUID()}`;

let child: ReturnType<typeof Bun.spawn> | undefined;
let base = '';
let stdout = '';
let metricsText = '';
let client: ReturnType<typeof apiClient>;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    await Bun.sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const scrape = async () => (await fetch(`${base}/metrics`)).text();
const sampleSum = (text: string, name: string, match = '') =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(match))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = Bun.spawn(['bun', join(import.meta.dir, 'testing/serve-system.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      DATABASE_URL: '',
      TASKTIDE_DATA_DIR: mkdtempSync(join(tmpdir(), 'tasktide-obs-')),
      SERVICE_VERSION: '9.9.9-obs',
      POD_NAME: 'dev-obs-0',
      JWT_SECRET: 'obs-secret-obs-secret-obs-secret-000000',
      WEBHOOK_SIGNING_KEY: 'obs-webhook-master-key-000000000000000000',
      REMINDER_SWEEP_EVERY_MS: '500',
      REMINDER_SWEEP_GRACE_MS: '1500',
    },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  (async () => {
    const reader = (child!.stdout as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      stdout += decoder.decode(r.value, { stream: true });
  })();
  await until('the system to be ready', async () => (await fetch(`${base}/readyz`)).ok, 90_000);
  client = apiClient((r) => fetch(`${base}${new URL(r.url).pathname}${new URL(r.url).search}`, r));

  // A user's day: tasks created, changed, completed (one recurring), deleted, and a reminder due in 2 s.
  const user = await client.signUp();
  const token = user.token;
  const traced = await client.call('POST', '/api/v1/tasks', {
    token,
    body: { title: 'traced', due_at: new Date(Date.now() + 62_000).toISOString(), reminders: [1] },
    headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': requestId },
  });
  expect(traced.status).toBe(201);
  const recurring = await client.call('POST', '/api/v1/tasks', {
    token,
    body: { title: 'water plants', due_at: new Date(Date.now() + 3_600_000).toISOString(), recurrence: 'daily' },
  });
  const other = await client.call('POST', '/api/v1/tasks', { token, body: { title: 'to delete' } });
  await client.call('PATCH', `/api/v1/tasks/${other.body.id}`, { token, body: { priority: 'high' } });
  await client.call('POST', `/api/v1/tasks/${recurring.body.id}/complete`, { token });
  await client.call('DELETE', `/api/v1/tasks/${other.body.id}`, { token });
  await client.call('GET', '/api/v1/tasks?status=open', { token });
  await client.call('GET', '/api/v1/tasks/00000000-0000-0000-0000-000000000000', { token });

  metricsText = await until(
    'the reminder to fire and the next occurrence to be created',
    async () => {
      const text = await scrape();
      const sent = sampleSum(text, 'tasktide_reminders_fired_total', 'outcome="sent"');
      const next = sampleSum(text, 'tasktide_tasks_created_total', 'source="recurrence"');
      return sent >= 1 && next >= 1 && text;
    },
    30_000,
  );
}, 150_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await child?.exited;
});

const queries = () => [...dashboardQueries(), ...ruleQueries()];
const referenced = () => [...new Set(queries().flatMap((q) => metricNames(q.expr)))].sort();
const recorded = () => recordedNames();

describe('every metric a dashboard or alert names exists', () => {
  test('tasktide and process metrics: in the exercised system /metrics', () => {
    const exposed = exposedNames(metricsText);
    const missing = referenced().filter(
      (n) => !n.startsWith('dapr_') && !exposed.has(n) && !(n in inClusterOnly) && !recorded().has(n),
    );
    expect(missing).toEqual([]);
    // The exercise really happened, so the series are live, not only declared.
    expect(sampleSum(metricsText, 'tasktide_events_consumed_total', 'outcome="success"')).toBeGreaterThan(0);
    expect(sampleSum(metricsText, 'tasktide_tasks_completed_total')).toBeGreaterThanOrEqual(1);
  });

  test('the in-cluster allow-list only names metrics that are referenced and not exposed locally', () => {
    const exposed = exposedNames(metricsText);
    for (const name of Object.keys(inClusterOnly)) {
      expect(referenced()).toContain(name);
      expect(exposed.has(name)).toBe(false);
    }
  });

  test('no metric of ours carries an unbounded label', () => {
    const ours = metricsText.split('\n').filter((l) => l.startsWith('tasktide_') || l.startsWith('http_'));
    expect(ours.filter((l) => /(user_id|task_id|event_id|request_id)=/.test(l))).toEqual([]);
    expect(ours.filter((l) => /route="\/api\/v1\/tasks\/[0-9a-f]{8}-/.test(l))).toEqual([]);
  });

  const daprdAvailable = stackEnabled || existsSync(join(daprBinDir(), 'daprd'));
  describe.skipIf(!daprdAvailable)('Dapr series: a real daprd 1.18 and scheduler after traffic', () => {
    test('every dapr_* name is exposed', async () => {
      const probe = await probeDaprdMetrics();
      const exposed = new Set([...exposedNames(probe.daprd), ...exposedNames(probe.scheduler)]);
      const dapr = referenced().filter((n) => n.startsWith('dapr_'));
      expect(dapr.length).toBeGreaterThan(10);
      expect(dapr.filter((n) => !exposed.has(n))).toEqual([]);
    }, 120_000);
  });
});

describe('logs', () => {
  const lines = () =>
    stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return { unparsable: l };
        }
      });

  test('every line is JSON with level, time, message, service, version and pod', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((l) => 'unparsable' in l)).toEqual([]);
    for (const l of all) {
      expect(l).toMatchObject({ service: 'tasktide-dev', version: '9.9.9-obs', pod: 'dev-obs-0' });
      expect(typeof l.level).toBe('string');
      expect(typeof l.time).toBe('string');
      expect(typeof l.msg).toBe('string');
    }
  });

  test('request lines carry request id, correlation id and trace id', () => {
    const requests = lines().filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(5);
    for (const l of requests) {
      expect(l.request_id).toBeString();
      expect(l.correlation_id).toBeString();
      expect(l.trace_id).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(requests.find((l) => l.request_id === requestId)).toMatchObject({
      trace_id: traceId,
      route: '/api/v1/tasks/',
    });
  });

  test("a request's trace id and correlation id are on the consumer lines of the event it caused", () => {
    const consumed = lines().filter((l) => l.msg === 'event handled' && l.trace_id === traceId);
    expect(consumed.length).toBeGreaterThan(0);
    for (const l of consumed) {
      // audit reads the same event from task-events and task-updates: the second is a duplicate.
      expect(l).toMatchObject({ correlation_id: requestId, event_type: 'task.created' });
      expect(['success', 'duplicate']).toContain(l.outcome as string);
      expect(l.consumer).toBeString();
      expect(l.event_id).toBeString();
    }
    // More than one service reacted to the same request, all under its trace.
    expect(new Set(consumed.map((l) => l.consumer)).size).toBeGreaterThan(1);
  });
});
