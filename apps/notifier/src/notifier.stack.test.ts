import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiMigrations } from '@tasktide/api/migrations';
import { type apiClient, startApiOnStack, TEST_JWT_SECRET } from '@tasktide/api/testing';
import { createDb, type DbHandle } from '@tasktide/db';
import { type LocalStack, type RunningApp, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { mountModule } from '@tasktide/platform';
import { createRecurrenceModule } from '@tasktide/recurrence/module';
import { createLogger, createMetrics } from '@tasktide/service-kit';
import { eventually as poll } from '@tasktide/service-kit/testing';
import { notifierMigrations } from './db/migrations.ts';
import { createNotifierModule } from './module.ts';

/** The test kit's poller, with this file's patience. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) =>
  poll(what, probe, timeoutMs, 200);

// The reacting services on the real stack: api + recurrence + notifier, each with its own daprd,
// Kafka between them, Dapr Jobs on the real scheduler, Postgres underneath.
describe.skipIf(!stackEnabled)('recurrence and reminders on the real stack', () => {
  let stack: LocalStack;
  let apiDb: DbHandle;
  let notifierDb: DbHandle;
  let relay: OutboxRelay;
  let client: ReturnType<typeof apiClient>;
  let notifier: RunningApp | undefined;
  let notifierStop: (() => Promise<void>) | undefined;
  const logger = createLogger({ service: 'stack', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  async function startNotifier() {
    const metrics = createMetrics('notifier');
    let mounted: ReturnType<typeof mountModule> | undefined;
    notifier = await stack.startApp('notifier', (platform) => {
      mounted = mountModule(
        createNotifierModule({
          db: notifierDb,
          platform,
          registry: metrics.registry,
          log: logger,
          jwtSecret: TEST_JWT_SECRET,
          webhookSigningKey: 'stack-webhook-master-key-000000000000',
          allowPrivateWebhooks: true,
          sweepGraceMs: 3_000,
        }),
        platform,
        logger,
      );
      return mounted.app;
    });
    mounted?.start();
    notifierStop = async () => {
      await mounted?.stop();
      await notifier?.stop();
    };
  }

  beforeAll(async () => {
    stack = await sharedStack('notifier.stack');
    apiDb = await createDb({ url: await stack.createDatabase('api') });
    await apiDb.migrate(apiMigrations);
    notifierDb = await createDb({ url: await stack.createDatabase('notifier') });
    await notifierDb.migrate(notifierMigrations);
    ({ client, relay } = await startApiOnStack(stack, { db: apiDb, logger }));
    const recurrenceMetrics = createMetrics('recurrence');
    await stack.startApp(
      'recurrence',
      (platform) =>
        mountModule(
          createRecurrenceModule({
            invoker: platform.invoker,
            jobs: platform.jobs,
            registry: recurrenceMetrics.registry,
          }),
          platform,
        ).app,
    );
    await startNotifier();
    await Bun.sleep(3_000); // consumer groups join
  }, 240_000);
  afterAll(async () => {
    await relay?.stop();
    await notifierStop?.();
    await apiDb?.close();
    await notifierDb?.close();
    // Every app this file started: left running, they would take the next file's messages.
    await stack?.close();
  }, 60_000);

  // The notifier serves the inbox; go through its own HTTP port like the ingress would.
  const notifierCall = (token: string) =>
    fetch(`${notifier?.url}/api/v1/notifications`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
      r.json(),
    ) as Promise<{
      items: { task_id: string; created_at: string }[];
    }>;

  test('completing a recurring task creates exactly one next occurrence', async () => {
    const u = await client.signUp();
    const { body: first } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'weekly review', due_at: new Date(Date.now() + 86_400_000).toISOString(), recurrence: 'weekly' },
    });
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    const items = await eventually('next occurrence', async () => {
      const res = await client.call('GET', `/api/v1/tasks?series_id=${first.id}&sort=due_at`, { token: u.token });
      return res.body.items.length >= 2 ? res.body.items : undefined;
    });
    await Bun.sleep(2_000);
    const after = await client.call('GET', `/api/v1/tasks?series_id=${first.id}`, { token: u.token });
    expect(after.body.items).toHaveLength(2);
    expect(new Date(items[1].due_at).getTime() - new Date(first.due_at).getTime()).toBe(7 * 86_400_000);
  }, 60_000);

  test("a reminder due in 3 s fires once, not before its time; a deleted task's never fires", async () => {
    const u = await client.signUp();
    const due = new Date(Date.now() + 60_000 + 3_000);
    const { body: task } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'stack reminder', due_at: due.toISOString(), reminders: [1] },
    });
    const { body: gone } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'deleted', due_at: due.toISOString(), reminders: [1] },
    });
    await client.call('DELETE', `/api/v1/tasks/${gone.id}`, { token: u.token });
    const page = await eventually('reminder', async () => {
      const p = await notifierCall(u.token);
      return p.items.length ? p : undefined;
    });
    expect(new Date(page.items[0]?.created_at as string).getTime()).toBeGreaterThanOrEqual(due.getTime() - 60_000);
    await Bun.sleep(4_000);
    const final = await notifierCall(u.token);
    expect(final.items.map((n) => n.task_id)).toEqual([task.id]);
  }, 60_000);

  test('notifier down while a reminder comes due: delivered after restart, once', async () => {
    const u = await client.signUp();
    const due = new Date(Date.now() + 60_000 + 4_000);
    const { body: task } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'during restart', due_at: due.toISOString(), reminders: [1] },
    });
    await Bun.sleep(1_500); // planned and its job registered
    await notifierStop?.();
    await Bun.sleep(6_000); // the reminder's time passes while nobody listens
    await startNotifier();
    const page = await eventually(
      'late reminder',
      async () => {
        const p = await notifierCall(u.token);
        return p.items.length ? p : undefined;
      },
      90_000,
    );
    expect(page.items[0]?.task_id).toBe(task.id);
    await Bun.sleep(3_000);
    expect((await notifierCall(u.token)).items).toHaveLength(1);
  }, 150_000);
});
