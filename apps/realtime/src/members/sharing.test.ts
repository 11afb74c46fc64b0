import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { createEvent, topicOf, topics } from '@tasktide/events';
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
import { createRealtimeModule, type RealtimeModule, realtimeMigrations } from '../module.ts';
import { connectRealtime, type RealtimeClient, stopListening } from '../testing.ts';

const SECRET = 'sharing-test-secret-sharing-test-secret-00';
const logger = createLogger({ service: 'realtime-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
type AnyEvent = ReturnType<typeof createEvent>;

const snapshot = (taskId: string, projectId: string, version: number) => ({
  task_id: taskId,
  title: 'water the plants',
  description: '',
  priority: 'none' as const,
  tags: [],
  due_at: null,
  timezone: 'UTC',
  reminders: [],
  recurrence: null,
  status: 'open' as const,
  completed_at: null,
  series_id: null,
  parent_id: null,
  version,
  project_id: projectId,
  assignee_id: null,
});

describe.each(dbKinds())('realtime fan-out to project members (embedded bus, %s)', (kind) => {
  let db: DbHandle;
  let runtime: EmbeddedRuntime;
  let module: RealtimeModule;
  let url: string;
  let stop: () => Promise<void>;
  const clients: RealtimeClient[] = [];
  const connect = async (userId: string, lastEventId?: string) => {
    const token = (await signAccessToken(jwtKey(SECRET), userId, 300)).token;
    const resume = lastEventId ? `&last_event_id=${lastEventId}` : '';
    const client = await connectRealtime(`${url}?access_token=${token}${resume}`);
    clients.push(client);
    return client;
  };
  /** Publishes like the relay does (task changes on task-events and task-updates), keyed by actor. */
  const publish = async (...events: AnyEvent[]) => {
    for (const e of events) {
      const topicsOf =
        topicOf[e.event_type] === topics.taskEvents && e.event_type.startsWith('task.')
          ? [topics.taskEvents, topics.taskUpdates]
          : [topicOf[e.event_type]];
      for (const topic of topicsOf) {
        const res = await runtime.platform('api').pubsub.publish(topic, [{ key: e.user_id, data: e }]);
        expect(res.failed).toEqual([]);
      }
    }
  };
  /** Waits until realtime consumed everything published so far (the bus's own readiness signal). */
  const settled = async () => {
    while ((await runtime.pending()) > 0) await new Promise((r) => setImmediate(r));
  };
  /** A ping answered means every message sent to this socket before it has arrived (one TCP stream). */
  const roundTrip = async (client: RealtimeClient) => {
    const before = client.messages.filter((m) => m.data.type === 'pong').length;
    client.socket.send(JSON.stringify({ type: 'ping' }));
    await client.waitFor(() => client.messages.filter((m) => m.data.type === 'pong').length > before);
  };
  const ctx = (userId: string) => ({ userId, correlationId: 'sharing-test' });
  const added = (actor: string, projectId: string, memberId: string) =>
    createEvent(
      'member.added',
      { project_id: projectId, member_id: memberId, role: 'editor', invited_by: null },
      ctx(actor),
    );
  const updated = (actor: string, taskId: string, projectId: string, version: number) =>
    createEvent(
      'task.updated',
      { task_id: taskId, version, changes: { title: 'water the plants' }, task: snapshot(taskId, projectId, version) },
      ctx(actor),
    );

  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.migrate(realtimeMigrations);
    runtime = await createEmbeddedRuntime({ db, log: logger, bus: { pollMs: 20 } });
    runtime.registerApp('api', standInApiAuth({ jwtSecret: SECRET }).handle);
    const platform = runtime.platform('realtime');
    module = createRealtimeModule({
      db: db.db,
      authenticate: remoteAuthenticator({ jwtSecret: SECRET, invoker: platform.invoker }),
      registry: createMetrics('realtime').registry,
      log: logger,
    });
    const mounted = mountModule(module, platform, logger);
    const app = createService({ name: 'realtime', logger, metrics: createMetrics('realtime') })
      .use(mounted.app)
      .listen({ port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${app.server?.port}/ws`;
    stop = async () => {
      await mounted.stop();
      await stopListening(app.server);
    };
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await stop();
    await runtime.close();
    await db.close();
  });

  test("two members share a project: Bob's socket gets Ada's change; once removed, only a notice", async () => {
    const [ada, bob, eve] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const [project, task] = [crypto.randomUUID(), crypto.randomUUID()];
    await publish(added(ada, project, ada), added(bob, project, bob));
    await settled();
    expect((await module.members.activeMembers(project)).sort()).toEqual([ada, bob].sort());

    const [adas, bobs, eves] = [await connect(ada), await connect(bob), await connect(eve)];
    const change = updated(ada, task, project, 2);
    const comment = createEvent(
      'comment.created',
      {
        comment_id: crypto.randomUUID(),
        task_id: task,
        project_id: project,
        author_id: ada,
        body: 'done by Friday?',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      },
      ctx(ada),
    );
    await publish(change, comment);
    for (const client of [adas, bobs]) {
      await client.waitFor((m) => m.event_id === change.event_id);
      await client.waitFor((m) => m.event_id === comment.event_id);
    }
    await roundTrip(eves);
    expect(eves.events()).toEqual([]);

    await publish(createEvent('member.removed', { project_id: project, member_id: bob, reason: 'removed' }, ctx(ada)));
    expect(await bobs.waitFor((m) => m.type === 'project_removed')).toEqual({
      type: 'project_removed',
      project_id: project,
      reason: 'removed',
    });
    const after = updated(ada, task, project, 3);
    await publish(after);
    await adas.waitFor((m) => m.event_id === after.event_id);
    // Ada's socket got it, so the one publish that would have reached Bob is done; his pong follows it.
    await roundTrip(bobs);
    expect(bobs.events().map((e) => e.event_id)).toEqual([change.event_id, comment.event_id]);
  });

  test('the replay buffer keeps a shared update for each member, so Bob resumes past it', async () => {
    const [ada, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const [project, task] = [crypto.randomUUID(), crypto.randomUUID()];
    await publish(added(ada, project, ada), added(bob, project, bob));
    await settled();
    const bobs = await connect(bob);
    const first = updated(ada, task, project, 2);
    await publish(first);
    await bobs.waitFor((m) => m.event_id === first.event_id);
    bobs.close();
    await bobs.closed;
    const missed = [updated(ada, task, project, 3), updated(ada, task, project, 4)];
    await publish(...missed);
    await settled();
    const again = await connect(bob, first.event_id);
    expect(again.events().map((e) => e.event_id)).toEqual(missed.map((e) => e.event_id));
  });

  test('membership facts are idempotent and an older fact never undoes a newer one', async () => {
    const [project, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const t0 = '2026-01-01T10:00:00.000Z';
    const t1 = '2026-01-01T10:00:01.000Z';
    await module.members.apply({ kind: 'left', projectId: project, userId: bob, at: t1 });
    await module.members.apply({ kind: 'joined', projectId: project, userId: bob, at: t0 });
    await module.members.apply({ kind: 'joined', projectId: project, userId: bob, at: t0 });
    expect(await module.members.activeMembers(project)).toEqual([]);
    await module.members.apply({ kind: 'joined', projectId: project, userId: bob, at: '2026-01-01T10:00:02.000Z' });
    expect(await module.members.activeMembers(project)).toEqual([bob]);
    await module.members.apply({ kind: 'project_gone', projectId: project, at: '2026-01-01T10:00:03.000Z' });
    expect(await module.members.activeMembers(project)).toEqual([]);
  });
});
