import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { createDb, type DbHandle, sql } from '@tasktide/db';
import { createEvent, topics } from '@tasktide/events';
import {
  freePort,
  killGroup,
  type LocalStack,
  type Sidecar,
  sharedStack,
  spawnLogged,
  stackEnabled,
  startDaprd,
  stopProcess,
  waitFor,
} from '@tasktide/local-stack';
import { createDaprPlatform, type Platform } from '@tasktide/platform';
import type { Subprocess } from 'bun';
import { fixtureDdl } from './fixtures/ledger.ts';

const fixtureScript = join(import.meta.dir, 'fixtures/counting-consumer.ts');

// A consumer in its own process with its own daprd, killed with SIGKILL mid-stream and restarted:
// Kafka redelivers what was not committed, the (consumer, event_id) ledger absorbs the repeats.
describe.skipIf(!stackEnabled)('idempotent consumption on the real stack', () => {
  let stack: LocalStack;
  let db: DbHandle;
  let dbUrl: string;
  let publisher: Platform;
  let publisherSidecar: Sidecar;
  const consumer = `crash-${crypto.randomUUID().slice(0, 6)}`;
  let app: Subprocess | undefined;
  let sidecar: Sidecar | undefined;

  async function startConsumer() {
    const port = await freePort();
    app = spawnLogged(['bun', fixtureScript], {
      log: join(stack.dir, `${consumer}.log`),
      env: { PORT: String(port), DATABASE_URL: dbUrl, CONSUMER: consumer },
    });
    sidecar = await startDaprd({
      appId: consumer,
      appPort: port,
      ...stack.resources,
      schedulerAddress: stack.scheduler.address,
      logFile: join(stack.dir, `${consumer}-${port}.daprd.log`),
    });
  }
  // The shared stack's task-events topic also carries other tests' events (the consumer group starts
  // at the oldest offset): count only the events this file published.
  const mine = new Set<string>();
  const effects = async () => {
    const ids = [...mine];
    if (!ids.length) return [{ total: 0, distinct_events: 0, pids: 0 }];
    const list = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    return (await db.db.execute(
      sql`select count(*)::int as total, count(distinct event_id)::int as distinct_events, count(distinct pid)::int as pids
          from fixture.effects where consumer = ${consumer} and event_id in (${list})`,
    )) as unknown as { total: number; distinct_events: number; pids: number }[];
  };

  beforeAll(async () => {
    stack = await sharedStack('idempotent.stack');
    dbUrl = await stack.createDatabase('crash');
    db = await createDb({ url: dbUrl });
    for (const statement of fixtureDdl) await db.db.execute(sql.raw(statement));
    const port = await freePort();
    publisherSidecar = await startDaprd({
      appId: `publisher-${consumer}`,
      appPort: port,
      ...stack.resources,
      schedulerAddress: stack.scheduler.address,
      logFile: join(stack.dir, `publisher-${consumer}.daprd.log`),
      waitForApp: false,
    });
    publisher = createDaprPlatform({ appId: 'publisher', httpPort: publisherSidecar.httpPort });
    await startConsumer();
    await Bun.sleep(3_000); // consumer group join
  }, 180_000);
  afterAll(async () => {
    if (sidecar) await sidecar.stop();
    if (app) await stopProcess(app);
    await publisherSidecar?.stop();
    await db?.close();
    // Every app this file started: left running, they would take the next file's messages.
    await stack?.close();
  }, 60_000);

  const event = (user: string, i: number) => {
    const e = createEvent(
      'task.deleted',
      { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
      { userId: user, correlationId: `${consumer}-${i}` },
    );
    mine.add(e.event_id);
    return e;
  };

  test('the same event published twice is applied once', async () => {
    const user = crypto.randomUUID();
    const e = event(user, -1);
    await publisher.pubsub.publish(topics.taskEvents, [{ key: user, data: e }]);
    await publisher.pubsub.publish(topics.taskEvents, [{ key: user, data: e }]);
    await waitFor('effect', async () => (await effects())[0]?.total === 1, 90_000);
    await Bun.sleep(2_000);
    expect((await effects())[0]).toMatchObject({ total: 1, distinct_events: 1 });
  }, 120_000);

  test('a consumer killed mid-stream resumes after restart with no loss and no double effect', async () => {
    const users = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const batch = Array.from({ length: 600 }, (_, i) => {
      const user = users[i % users.length] as string;
      return { key: user, data: event(user, i) };
    });
    for (let i = 0; i < batch.length; i += 100)
      await publisher.pubsub.publish(topics.taskEvents, batch.slice(i, i + 100));
    await waitFor('some progress', async () => ((await effects())[0]?.total ?? 0) > 60, 60_000, 20);
    // Kill the app and its sidecar without warning, like a node failure.
    if (app) killGroup(app, 'SIGKILL');
    if (sidecar) killGroup(sidecar.process, 'SIGKILL');
    await app?.exited;
    await sidecar?.process.exited;
    const atKill = (await effects())[0]?.total ?? 0;
    expect(atKill).toBeLessThan(601);
    await startConsumer();
    await waitFor('all events applied', async () => (await effects())[0]?.distinct_events === 601, 120_000, 250);
    await Bun.sleep(3_000);
    const [final] = await effects();
    expect(final?.distinct_events).toBe(601);
    expect(final?.total).toBe(601);
    expect(final?.pids).toBe(2);
  }, 240_000);
});
