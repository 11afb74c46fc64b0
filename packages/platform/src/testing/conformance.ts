import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  createEvent,
  defineRawSubscription,
  defineSubscription,
  type HandlerResult,
  type Subscription,
  topics,
} from '@tasktide/events';
import { eventually as poll } from '@tasktide/service-kit/testing';
import { type AnyElysia, Elysia } from 'elysia';
import type { JobHandler, Platform } from '../ports.ts';

/** What an adapter under test provides: start it with the suite's subscriptions, job handler and routes. */
export interface ConformanceHarness {
  start(opts: { subscriptions: Subscription[]; onJob: JobHandler; routes: AnyElysia }): Promise<Platform>;
  close(): Promise<void>;
  /** Extra time the adapter needs between publish and delivery (Kafka group joins, etc.). */
  settleMs?: number;
}

const ctx = (userId: string, correlationId: string) => ({ userId, correlationId });
const deleted = (userId: string, correlationId: string) =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    ctx(userId, correlationId),
  );

/** The test kit's poller over a synchronous check. */
const eventually = (what: string, check: () => boolean, timeoutMs = 30_000) => poll(what, () => check(), timeoutMs);

/**
 * The contract every Platform adapter honours — the Dapr adapter against real daprd + Kafka +
 * scheduler, the embedded adapter in process — so `bun dev` behaves like the clusters.
 */
export function platformConformance(
  label: string,
  makeHarness: () => Promise<ConformanceHarness>,
  opts: { skip?: boolean } = {},
) {
  describe.skipIf(Boolean(opts.skip))(`platform conformance: ${label}`, () => {
    let harness: ConformanceHarness;
    let platform: Platform;
    const run = crypto.randomUUID().slice(0, 8);
    const ordered: { key: string; correlation: string }[] = [];
    const attempts = new Map<string, number>();
    const dlq: { data: unknown }[] = [];
    const fired: { name: string; at: number; data: Record<string, unknown> }[] = [];

    const subscriptions: Subscription[] = [
      defineSubscription({
        consumer: `conf-order-${run}`,
        topic: topics.taskEvents,
        types: ['task.deleted'],
        handler: async (event) => {
          ordered.push({ key: event.user_id, correlation: event.correlation_id });
          return { status: 'success' };
        },
      }),
      defineSubscription({
        consumer: `conf-flaky-${run}`,
        topic: topics.reminders,
        handler: async (event): Promise<HandlerResult> => {
          const n = (attempts.get(event.correlation_id) ?? 0) + 1;
          attempts.set(event.correlation_id, n);
          if (event.correlation_id.startsWith('always-fails')) return { status: 'retry', reason: 'always fails' };
          if (event.correlation_id.startsWith('fails-twice') && n <= 2) throw new Error(`transient failure ${n}`);
          return { status: 'success' };
        },
      }),
      defineRawSubscription({
        consumer: `conf-dlq-${run}`,
        topic: `${topics.reminders}-dlq`,
        handler: async (data) => {
          dlq.push({ data });
          return { status: 'success' };
        },
      }),
    ];
    const routes = new Elysia().get('/echo', ({ query }) => ({ echoed: query.v ?? null }));

    beforeAll(async () => {
      harness = await makeHarness();
      platform = await harness.start({
        subscriptions,
        routes,
        onJob: async (name, data) => {
          fired.push({ name, at: Date.now(), data });
        },
      });
      if (harness.settleMs) await Bun.sleep(harness.settleMs);
    }, 180_000);
    afterAll(async () => harness?.close(), 60_000);

    const dlqCorrelations = () =>
      dlq.map((d) => {
        const data = d.data as { original?: { correlation_id?: string }; correlation_id?: string };
        return data.original?.correlation_id ?? data.correlation_id;
      });

    test('events arrive validated and in publish order per key', async () => {
      const users: string[] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const messages = Array.from({ length: 30 }, (_, i) => {
        const user = users[i % 3] as string;
        return { key: user, data: deleted(user, `order-${i}`) };
      });
      const result = await platform.pubsub.publish(topics.taskEvents, messages);
      expect(result.failed).toEqual([]);
      expect(result.published).toHaveLength(30);
      await eventually('30 ordered deliveries', () => ordered.filter((o) => users.includes(o.key)).length >= 30);
      for (const user of users) {
        const seen = ordered.filter((o) => o.key === user).map((o) => Number(o.correlation.split('-')[1]));
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(new Set(seen).size).toBe(10);
      }
    }, 60_000);

    test('a handler that fails transiently is retried until it succeeds', async () => {
      const user = crypto.randomUUID();
      await platform.pubsub.publish(topics.reminders, [{ key: user, data: deleted(user, `fails-twice-${run}`) }]);
      await eventually('three attempts', () => (attempts.get(`fails-twice-${run}`) ?? 0) >= 3);
      await Bun.sleep(500);
      expect(attempts.get(`fails-twice-${run}`)).toBe(3);
      expect(dlqCorrelations()).not.toContain(`fails-twice-${run}`);
    }, 60_000);

    test('a message that keeps failing lands on the DLQ and does not block later messages', async () => {
      const user = crypto.randomUUID();
      await platform.pubsub.publish(topics.reminders, [
        { key: user, data: deleted(user, `always-fails-${run}`) },
        { key: user, data: deleted(user, `after-poison-${run}`) },
      ]);
      await eventually('dead-lettered', () => dlqCorrelations().includes(`always-fails-${run}`), 60_000);
      await eventually('later message delivered', () => attempts.get(`after-poison-${run}`) === 1, 30_000);
      expect(attempts.get(`always-fails-${run}`)).toBeGreaterThan(1);
    }, 90_000);

    test('an invalid envelope is dead-lettered at once, never handed to the handler', async () => {
      const user = crypto.randomUUID();
      const poison = {
        event_id: crypto.randomUUID(),
        event_type: 'task.deleted',
        schema_version: 1,
        correlation_id: `poison-${run}`,
      };
      await platform.pubsub.publish(topics.reminders, [{ key: user, data: poison }]);
      await eventually('poison dead-lettered', () => dlqCorrelations().includes(`poison-${run}`), 60_000);
      expect(attempts.has(`poison-${run}`)).toBe(false);
    }, 90_000);

    test('state: get/set, first-write-wins claim, delete', async () => {
      const key = `conf-${run}-${crypto.randomUUID()}`;
      expect(await platform.state.get(key)).toBeNull();
      await platform.state.set(key, { n: 1 });
      expect((await platform.state.get<{ n: number }>(key))?.value).toEqual({ n: 1 });
      const claimKey = `${key}-claim`;
      const results = await Promise.all([1, 2, 3].map((n) => platform.state.claim(claimKey, { n })));
      expect(results.filter(Boolean)).toHaveLength(1);
      await platform.state.delete(claimKey);
      expect(await platform.state.claim(claimKey, { n: 4 })).toBe(true);
      // Optimistic concurrency: of two writers that read the same etag, one wins.
      const seen = await platform.state.get<{ n: number }>(claimKey);
      expect(seen?.etag).toBeTruthy();
      const writes = await Promise.all([5, 6].map((n) => platform.state.replace(claimKey, { n }, seen?.etag ?? '')));
      expect(writes.filter(Boolean)).toHaveLength(1);
      expect(await platform.state.replace(claimKey, { n: 7 }, seen?.etag ?? '')).toBe(false);
    }, 30_000);

    test("state: a key containing Dapr's separator `||` is refused, by every adapter", async () => {
      await expect(platform.state.set(`conf-${run}||x`, { n: 1 })).rejects.toThrow();
      await expect(platform.state.claim(`conf-${run}||y`, { n: 1 })).rejects.toThrow();
    }, 30_000);

    test('secrets are read from the secret store', async () => {
      expect(await platform.secrets.get('conformance-secret')).toBe('s3cr3t');
    });

    test('service invocation reaches the app by id', async () => {
      const res = await platform.invoker.invoke(platform.appId, 'echo?v=hello');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ echoed: 'hello' });
    }, 30_000);

    test('jobs fire once, never early; deleted jobs never fire; overwrite replaces', async () => {
      const t0 = Date.now();
      const due = new Date(t0 + 2_000);
      await platform.jobs.schedule(`conf-${run}-once`, { dueTime: due, data: { n: 1 } });
      await platform.jobs.schedule(`conf-${run}-cancelled`, { dueTime: new Date(t0 + 2_000), data: { n: 2 } });
      await platform.jobs.delete(`conf-${run}-cancelled`);
      await platform.jobs.schedule(`conf-${run}-moved`, { dueTime: new Date(t0 + 600_000), data: { n: 3 } });
      await platform.jobs.schedule(`conf-${run}-moved`, { dueTime: new Date(t0 + 1_500), data: { n: 4 } });
      await eventually('jobs fired', () => fired.filter((f) => f.name.startsWith(`conf-${run}`)).length >= 2, 30_000);
      await Bun.sleep(3_000);
      const mine = fired.filter((f) => f.name.startsWith(`conf-${run}`));
      const once = mine.filter((f) => f.name === `conf-${run}-once`);
      expect(once).toHaveLength(1);
      expect(once[0]?.at).toBeGreaterThanOrEqual(due.getTime());
      expect(once[0]?.data).toEqual({ n: 1 });
      expect(mine.some((f) => f.name === `conf-${run}-cancelled`)).toBe(false);
      const moved = mine.filter((f) => f.name === `conf-${run}-moved`);
      expect(moved).toHaveLength(1);
      expect(moved[0]?.data).toEqual({ n: 4 });
    }, 60_000);
  });
}
