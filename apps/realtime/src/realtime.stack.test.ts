import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiMigrations } from '@tasktide/api/migrations';
import { type apiClient, startApiOnStack, TEST_JWT_SECRET, testApiConfig } from '@tasktide/api/testing';
import { createDb, type DbHandle } from '@tasktide/db';
import { type LocalStack, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { mountModule } from '@tasktide/platform';
import { createLogger, createMetrics, createService, remoteAuthenticator } from '@tasktide/service-kit';
import { createRealtimeModule, REALTIME_APP_ID, realtimeMigrations } from './module.ts';
import { connectRealtime, type RealtimeClient } from './testing.ts';

// Real stack: api (outbox relay) → daprd → Kafka task-updates → two realtime replicas, each with
// its own daprd on pubsub-realtime (consumerID {uuid}: one consumer group per replica).
describe.skipIf(!stackEnabled)('realtime on the real stack: two replicas, one update, both clients', () => {
  let stack: LocalStack;
  let apiDb: DbHandle;
  let realtimeDb: DbHandle;
  let relay: OutboxRelay;
  let client: ReturnType<typeof apiClient>;
  const replicas: { url: string; stop: () => Promise<void> }[] = [];
  const sockets: RealtimeClient[] = [];
  const logger = createLogger({ service: 'stack', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const connect = async (replica: number, query: string) => {
    const socket = await connectRealtime(`${replicas[replica]!.url}?${query}`);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    stack = await sharedStack('realtime.stack');
    apiDb = await createDb({ url: await stack.createDatabase('api') });
    await apiDb.migrate(apiMigrations);
    // One database for both replicas, as in a cluster: either can replay what the other pushed.
    realtimeDb = await createDb({ url: await stack.createDatabase('realtime') });
    await realtimeDb.migrate(realtimeMigrations);
    const config = testApiConfig();
    ({ client, relay } = await startApiOnStack(stack, { db: apiDb, logger, config }));
    for (let i = 0; i < 2; i++) {
      const metrics = createMetrics(REALTIME_APP_ID);
      let mounted: ReturnType<typeof mountModule> | undefined;
      const app = await stack.startApp(REALTIME_APP_ID, (platform) => {
        mounted = mountModule(
          createRealtimeModule({
            db: realtimeDb.db,
            authenticate: remoteAuthenticator({ jwtSecret: TEST_JWT_SECRET, invoker: platform.invoker }),
            registry: metrics.registry,
            log: logger,
          }),
          platform,
          logger,
        );
        return createService({ name: REALTIME_APP_ID, logger, metrics }).use(mounted.app);
      });
      mounted?.start();
      replicas.push({ url: `${app.url.replace('http:', 'ws:')}/ws`, stop: async () => mounted?.stop() });
    }
  }, 240_000);
  afterAll(async () => {
    // Clients close first: a server-side close would make the stack's server.stop() hang (Bun 1.3.14).
    for (const s of sockets) s.close();
    await Promise.all(sockets.map((s) => s.closed));
    await Bun.sleep(100);
    await relay?.stop();
    for (const r of replicas) await r.stop();
    await apiDb?.close();
    await realtimeDb?.close();
    await stack?.close();
  }, 60_000);

  test('one task update reaches a client on each replica; another user sees none of it', async () => {
    const [alice, bob] = [await client.signUp(), await client.signUp()];
    const onFirst = await connect(0, `access_token=${alice.token}`);
    const onSecond = await connect(1, `access_token=${alice.token}`);
    const bobs = await connect(1, `access_token=${bob.token}`);
    const { body: task } = await client.call('POST', '/api/v1/tasks', {
      token: alice.token,
      body: { title: 'warm-up' },
    });

    // pubsub-realtime starts at the newest offset: until a replica's consumer group owns the
    // partitions, updates pass it by. Touch the task until both replicas deliver one.
    const until = Date.now() + 90_000;
    for (let n = 0; !(onFirst.events().length && onSecond.events().length) && Date.now() < until; n++) {
      const body = { description: `warm-up ${n}` }; // a real change each time, or no event is published
      await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: alice.token, body });
      await Bun.sleep(1_500);
    }
    expect(onFirst.events().length && onSecond.events().length).toBeGreaterThan(0);

    const { body: updated } = await client.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: alice.token,
      body: { title: 'the one update' },
    });
    const isIt = (m: Record<string, unknown>) =>
      m.event_type === 'task.updated' && (m.payload as { version?: number }).version === updated.version;
    const [first, second] = await Promise.all([onFirst.waitFor(isIt, 30_000), onSecond.waitFor(isIt, 30_000)]);
    expect(first.event_id).toBe(second.event_id as string);
    expect(first).toMatchObject({
      user_id: alice.userId,
      payload: { task_id: task.id, changes: { title: 'the one update' } },
    });
    expect(onFirst.events().filter(isIt)).toHaveLength(1);
    expect(bobs.events()).toEqual([]);
  }, 150_000);

  test('a client that drops off one replica resumes on the other from last_event_id', async () => {
    const user = await client.signUp();
    const first = await connect(0, `access_token=${user.token}`);
    const { body: task } = await client.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'draft' } });
    const seen = await first.waitFor((m) => m.event_type === 'task.created', 30_000);
    first.close();
    await first.closed;
    await client.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    // A watcher on the second replica proves the completion went through before the resume is judged.
    const watcher = await connect(1, `access_token=${user.token}&last_event_id=${seen.event_id}`);
    await watcher.waitFor((m) => m.event_type === 'task.completed', 30_000);
    const resumed = await connect(1, `access_token=${user.token}&last_event_id=${seen.event_id}`);
    expect(resumed.messages.map((m) => m.data.event_type ?? m.data.type)).toEqual(['task.completed', 'ready']);
  }, 60_000);
});
