import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { createEvent, topics } from '@tasktide/events';
import { createEmbeddedRuntime, type EmbeddedRuntime, mountModule } from '@tasktide/platform';
import {
  createLogger,
  createMetrics,
  createService,
  jwtKey,
  remoteAuthenticator,
  signAccessToken,
} from '@tasktide/service-kit';
import { standInApiAuth } from '@tasktide/service-kit/testing';
import { createRealtimeModule, type RealtimeModule, realtimeMigrations } from './module.ts';
import { connectRealtime, type RealtimeClient, stopListening } from './testing.ts';

const SECRET = 'replica-test-secret-replica-test-secret-00';
const logger = createLogger({ service: 'realtime-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const deleted = (userId: string) =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    { userId, correlationId: 'replica-test' },
  );

// Two in-process "replicas" on the embedded bus: each consumer name is its own group, like each
// pod's consumer id on pubsub-realtime under Dapr.
describe.each(dbKinds())('realtime replicas (embedded bus, %s)', (kind) => {
  let db: DbHandle;
  let runtime: EmbeddedRuntime;
  const replicas: { module: RealtimeModule; url: string; stop: () => Promise<void> }[] = [];
  const clients: RealtimeClient[] = [];
  const token = async (userId: string) => (await signAccessToken(jwtKey(SECRET), userId, 300)).token;
  const connect = async (replica: number, userId: string, lastEventId?: string) => {
    const resume = lastEventId ? `&last_event_id=${lastEventId}` : '';
    const client = await connectRealtime(`${replicas[replica]!.url}?access_token=${await token(userId)}${resume}`);
    clients.push(client);
    return client;
  };
  const publish = async (...events: ReturnType<typeof deleted>[]) => {
    const res = await runtime.platform('api').pubsub.publish(
      topics.taskUpdates,
      events.map((e) => ({ key: e.user_id, data: e })),
    );
    expect(res.failed).toEqual([]);
  };

  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.migrate(realtimeMigrations);
    runtime = await createEmbeddedRuntime({ db, log: logger, bus: { pollMs: 50 } });
    runtime.registerApp('api', standInApiAuth({ jwtSecret: SECRET }).handle);
    for (const consumer of ['realtime-a', 'realtime-b']) {
      const platform = runtime.platform('realtime');
      const module = createRealtimeModule({
        db: db.db,
        authenticate: remoteAuthenticator({ jwtSecret: SECRET, invoker: platform.invoker }),
        registry: createMetrics('realtime').registry,
        log: logger,
        consumer,
      });
      const mounted = mountModule(module, platform, logger);
      const app = createService({ name: 'realtime', logger, metrics: createMetrics('realtime') })
        .use(mounted.app)
        .listen({ port: 0, hostname: '127.0.0.1' });
      replicas.push({
        module,
        url: `ws://127.0.0.1:${app.server?.port}/ws`,
        stop: async () => {
          await mounted.stop();
          await stopListening(app.server);
        },
      });
    }
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const r of replicas) await r.stop();
    await runtime.close();
    await db.close();
  });

  test("every replica pushes every update to that user's sockets, and to no one else", async () => {
    const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const onA = await connect(0, alice);
    const onB = await connect(1, alice);
    const bobOnA = await connect(0, bob);
    const forAlice = deleted(alice);
    const forBob = deleted(bob);
    await publish(forAlice, forBob);
    for (const client of [onA, onB])
      expect(await client.waitFor((m) => m.event_id === forAlice.event_id)).toEqual(forAlice);
    await bobOnA.waitFor((m) => m.event_id === forBob.event_id);
    await Bun.sleep(200);
    expect(bobOnA.events().map((e) => e.event_id)).toEqual([forBob.event_id]);
    expect(onA.events().map((e) => e.event_id)).toEqual([forAlice.event_id]);
  });

  test('a client that reconnects to the other replica with last_event_id gets exactly what it missed', async () => {
    const user = crypto.randomUUID();
    const first = await connect(0, user);
    const seen = deleted(user);
    await publish(seen);
    await first.waitFor((m) => m.event_id === seen.event_id);
    first.close();
    await first.closed;
    const missed = [deleted(user), deleted(user)];
    await publish(...missed);
    // Both replicas buffer every event (the second insert is a no-op); wait until it is there.
    const last = missed[1]!.event_id;
    for (let i = 0; i < 100; i++) {
      const replay = await replicas[1]!.module.buffer.since(user, seen.event_id);
      if (replay.status === 'replay' && replay.events.some((e) => e.event_id === last)) break;
      await Bun.sleep(50);
    }
    const again = await connect(1, user, seen.event_id);
    expect(again.messages.map((m) => m.data)).toEqual([...missed, { type: 'ready', user_id: user, replayed: 2 }]);
  });

  test('an unknown last_event_id gets {"type":"resync"}, then live updates', async () => {
    const user = crypto.randomUUID();
    const client = await connect(1, user, Bun.randomUUIDv7());
    expect(client.messages.map((m) => m.data)).toEqual([
      { type: 'resync', reason: 'unknown_event_id' },
      { type: 'ready', user_id: user, replayed: 0 },
    ]);
    const live = deleted(user);
    await publish(live);
    await client.waitFor((m) => m.event_id === live.event_id);
  });
});
