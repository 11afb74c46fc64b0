/**
 * `bun run bench:events`: api commit → outbox → relay → daprd (bulk publish) → Kafka → daprd →
 * consumer, on the real stack started here (Kafka, scheduler, Postgres, one daprd per app).
 * Commits task creations at a fixed rate through the api's own service code and reports the
 * sustained consume rate and commit→consume latency (event timestamp → handler). Prints; asserts nothing.
 */

import { createDb, sql } from '@tasktide/db';
import { defineSubscription, success, topics } from '@tasktide/events';
import { openLoop, printTable, startLocalStack, summarize } from '@tasktide/local-stack';
import { createOutboxRelay } from '@tasktide/outbox';
import { Elysia } from 'elysia';
import { apiMigrations } from '../src/db/migrations.ts';
import { outbox, projectMembers, projects, relayLease, users } from '../src/db/schema.ts';
import { createTask } from '../src/tasks/service.ts';

const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const stack = await startLocalStack();
const db = await createDb({ url: await stack.createDatabase('bench_events'), max: 20 });
await db.migrate(apiMigrations);

const latencies: number[] = [];
let consumed = 0;
let firstAt = 0;
let lastAt = 0;
const sub = defineSubscription({
  consumer: 'bench-consumer',
  topic: topics.taskEvents,
  types: ['task.created'],
  handler: async (event) => {
    const now = Date.now();
    latencies.push(now - Date.parse(event.timestamp));
    consumed++;
    firstAt ||= now;
    lastAt = now;
    return success;
  },
});
await stack.startApp('bench-consumer', (platform) => new Elysia().use(platform.pubsub.subscribe([sub])));
let relay: ReturnType<typeof createOutboxRelay> | undefined;
const publishes: number[] = [];
const batchSizes: number[] = [];
await stack.startApp('api', (platform) => {
  relay = createOutboxRelay({
    db: db.db,
    tables: { outbox, relayLease },
    name: 'api',
    // Timed: how long daprd takes to accept a batch (Kafka's ack included) is part of the relay lag.
    pubsub: {
      publish: async (topic, messages) => {
        const started = performance.now();
        try {
          return await platform.pubsub.publish(topic, messages);
        } finally {
          publishes.push(performance.now() - started);
          batchSizes.push(messages.length);
        }
      },
    },
    idleMs: 20,
  });
  return new Elysia();
});
relay?.start();
await Bun.sleep(3_000); // consumer group join

const userIds = Array.from({ length: 50 }, () => Bun.randomUUIDv7());
await db.db
  .insert(users)
  .values(
    userIds.map((id, i) => ({ id, email: `bench${i}@x.local`, passwordHash: 'x', displayName: 'b', timezone: 'UTC' })),
  );
// Each with the Inbox sign-up gives (a task without project_id is created there).
const inboxes = userIds.map((userId) => ({ id: Bun.randomUUIDv7(), userId }));
await db.db
  .insert(projects)
  .values(inboxes.map(({ id, userId }) => ({ id, name: 'Inbox', isInbox: true, createdBy: userId })));
await db.db
  .insert(projectMembers)
  .values(inboxes.map(({ id, userId }) => ({ projectId: id, userId, role: 'admin' as const })));
let i = 0;
const produce = openLoop(
  async () => {
    const userId = userIds[i++ % userIds.length] as string;
    await createTask(db.db, { userId, correlationId: 'bench' }, { title: `bench ${i}` });
    relay?.notify();
  },
  { ratePerSecond: rate, durationMs: seconds * 1000 },
);
const commits = await produce;
const expected = commits.latencies.length;
const until = Date.now() + 60_000;
while (consumed < expected && Date.now() < until) await Bun.sleep(100);
const l = summarize(latencies);
// Where the time goes: commit → marked published by the relay (includes the broker's ack).
const lags = await db.db
  .select({ ms: sql<number>`extract(epoch from ${outbox.publishedAt} - ${outbox.createdAt}) * 1000` })
  .from(outbox)
  .where(sql`${outbox.topic} = 'task-events' and ${outbox.publishedAt} is not null`);
const relayLag = summarize(lags.map((r) => Number(r.ms)));
printTable(
  `bench:events — real daprd 1.18.1 + Kafka 4.3 + Postgres, target ${rate} commits/s for ${seconds}s (2 shared cores)`,
  [
    {
      commits: expected,
      // A failed create is counted, never dropped: a bench that commits nothing must say so.
      'commit errors': commits.errors,
      'commit rate/s': commits.achievedRate,
      'commit p99 ms': summarize(commits.latencies).p99,
      consumed,
      'consumed/s': consumed / Math.max(0.001, (lastAt - firstAt) / 1000),
      'relay lag p50 ms': relayLag.p50,
      'relay lag p99 ms': relayLag.p99,
      'publish p50 ms': summarize(publishes).p50,
      'publish p99 ms': summarize(publishes).p99,
      'batch p50': summarize(batchSizes).p50,
      'p50 ms': l.p50,
      'p95 ms': l.p95,
      'p99 ms': l.p99,
      'max ms': l.max,
    },
  ],
);
await relay?.stop();
await stack.close();
await db.close();
process.exit(0);
