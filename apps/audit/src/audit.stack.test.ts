import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiMigrations } from '@tasktide/api/migrations';
import { type apiClient, startApiOnStack, TEST_JWT_SECRET, testApiConfig } from '@tasktide/api/testing';
import { createDb, type DbHandle, rowsOf, sql } from '@tasktide/db';
import { createEvent, topics } from '@tasktide/events';
import { type LocalStack, type RunningApp, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { mountModule, type Platform } from '@tasktide/platform';
import { createLogger, createMetrics, createService } from '@tasktide/service-kit';
import { eventually, jsonClient } from '@tasktide/service-kit/testing';
import { auditMigrations } from './db/migrations.ts';
import { createAuditModule } from './module.ts';
import { TEST_OPERATOR_TOKEN } from './testing.ts';

// Real stack: api → outbox → relay → daprd → Kafka 4 → daprd → audit, each app with its own sidecar
// and database; users authenticate to audit with the api's JWTs and tt_ tokens (service invocation).
describe.skipIf(!stackEnabled)('audit on the real stack (daprd + Kafka + Postgres)', () => {
  let stack: LocalStack;
  let apiDb: DbHandle;
  let auditDb: DbHandle;
  let relay: OutboxRelay;
  let auditPlatform: Platform;
  const started: RunningApp[] = [];
  let api: ReturnType<typeof apiClient>;
  let audit: ReturnType<typeof jsonClient>;

  beforeAll(async () => {
    stack = await sharedStack('audit.stack');
    [apiDb, auditDb] = await Promise.all([
      stack.createDatabase('api').then((url) => createDb({ url })),
      stack.createDatabase('audit').then((url) => createDb({ url })),
    ]);
    await apiDb.migrate(apiMigrations);
    await auditDb.migrate(auditMigrations);
    const config = testApiConfig();
    const logger = createLogger({ service: 'stack', level: config.LOG_LEVEL });
    const onStack = await startApiOnStack(stack, { db: apiDb, logger, config, backoffMaxMs: 2_000 });
    ({ client: api, relay } = onStack);
    started.push(onStack.app);
    const running = await stack.startApp('audit', (platform) => {
      const metrics = createMetrics('audit');
      const module = createAuditModule({
        db: auditDb.db,
        platform,
        registry: metrics.registry,
        jwtSecret: TEST_JWT_SECRET,
        operatorToken: TEST_OPERATOR_TOKEN,
        log: logger,
      });
      return createService({ name: 'audit', logger, metrics }).use(mountModule(module, platform, logger).app);
    });
    started.push(running);
    auditPlatform = running.platform;
    // Over real HTTP: the server daprd delivers to is the one the users call.
    audit = jsonClient((r) => fetch(new URL(new URL(r.url).pathname + new URL(r.url).search, running.url), r));
  }, 180_000);
  afterAll(async () => {
    await relay?.stop();
    // Our sidecars and servers; Kafka and the scheduler belong to the shared stack.
    await Promise.all(started.map((app) => app.stop()));
    await Promise.all([apiDb?.close(), auditDb?.close()]);
    // Every app this file started: left running, they would take the next file's messages.
    await stack?.close();
  }, 60_000);

  const logOf = async (token: string) => {
    const res = await audit('GET', '/api/v1/audit/events?order=asc&limit=100', { token });
    expect(res.status).toBe(200);
    return res.body.items as { event_id: string; seq: number; user_id: string }[];
  };

  test('every task operation of every user appears in the audit log, once, in a verifying chain', async () => {
    const users = await Promise.all([api.signUp(), api.signUp()]);
    await Promise.all(
      users.map(async (u) => {
        for (let round = 0; round < 2; round++) {
          const { body: task } = await api.call('POST', '/api/v1/tasks', {
            token: u.token,
            body: { title: `r${round}` },
          });
          await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: u.token, body: { priority: 'high' } });
          await api.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: u.token });
          await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: u.token });
          await api.call('DELETE', `/api/v1/tasks/${task.id}`, { token: u.token });
        }
      }),
    );
    for (const u of users) {
      const written = rowsOf<{ event_id: string }>(
        await apiDb.db.execute(sql`select distinct event_id::text from api.outbox where partition_key = ${u.userId}`),
      ).map((r) => r.event_id);
      expect(written).toHaveLength(10);
      const log = await eventually(
        'the audit log to hold every operation',
        async () => {
          const rows = await logOf(u.token);
          return rows.length >= written.length ? rows : undefined;
        },
        60_000,
      );
      expect(log.map((r) => r.event_id).sort()).toEqual(written.sort());
      expect(log.map((r) => r.seq)).toEqual(written.map((_, i) => i + 1));
      expect(log.every((r) => r.user_id === u.userId)).toBe(true);
      const verify = await audit('GET', '/api/v1/audit/verify', { token: u.token });
      expect(verify.body).toMatchObject({ ok: true, rows_checked: 10 });
    }
    // task-updates delivers the same events again: after it drained, still one row per event. A
    // marker published behind each user's events on task-updates (same key, so same partition and
    // after them) shows the drain: once the marker is in, everything before it has been handled.
    for (const u of users) {
      const marker = createEvent(
        'task.deleted',
        { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
        { userId: crypto.randomUUID(), correlationId: 'drain-marker' },
      );
      await auditPlatform.pubsub.publish(topics.taskUpdates, [{ key: u.userId, data: marker }]);
      await eventually(
        'the drain marker behind the task-updates',
        async () =>
          rowsOf(await auditDb.db.execute(sql`select 1 from audit.events where event_id = ${marker.event_id}`))
            .length === 1 || undefined,
        60_000,
      );
      expect(await logOf(u.token)).toHaveLength(10);
    }
    // A personal API token is resolved by the api through both sidecars.
    const created = await api.call('POST', '/api/v1/tokens', { token: users[0]!.token, body: { name: 'stack' } });
    expect(await logOf(created.body.token)).toHaveLength(10);
  }, 120_000);

  test('a poison message is dead-lettered into dead_letters and a redrive delivers it again', async () => {
    const user = crypto.randomUUID();
    const poison = { event_id: crypto.randomUUID(), event_type: 'task.created', schema_version: 1, user_id: user };
    await auditPlatform.pubsub.publish('task-events', [{ key: user, data: poison }]);
    const op = (method: string, path: string) => audit(method, `/internal/dlq${path}`, { token: TEST_OPERATOR_TOKEN });
    const entry = await eventually(
      'the poison in dead_letters',
      async () => {
        const res = await op('GET', '?topic=task-events&limit=100');
        // Every consumer of task-events dead-letters the poison; this test is about audit's own.
        return res.body.items.find(
          (i: { event_id: string; consumer: string }) => i.event_id === poison.event_id && i.consumer === 'audit',
        );
      },
      60_000,
    );
    expect(entry).toMatchObject({ consumer: 'audit', topic: 'task-events-dlq', envelope: poison });
    expect((await op('POST', `/${entry.id}/redrive`)).status).toBe(200);
    const back = await eventually(
      'the poison back after the redrive',
      async () => {
        const res = await op('GET', `/${entry.id}`);
        return res.body.dead_letter_count === 2 ? res.body : undefined;
      },
      60_000,
    );
    expect(back).toMatchObject({ redriven_at: null, redrive_count: 1 });
  }, 120_000);
});
