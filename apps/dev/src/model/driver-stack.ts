import { createApiApp } from '@tasktide/api/app';
import { apiMigrations } from '@tasktide/api/migrations';
import { outbox, relayLease } from '@tasktide/api/schema';
import { TEST_JWT_SECRET, testApiConfig } from '@tasktide/api/testing';
import { auditMigrations, createAuditModule } from '@tasktide/audit/module';
import { createDb, type DbHandle, rowsOf, sql } from '@tasktide/db';
import { type LocalStack, sharedStack } from '@tasktide/local-stack';
import { notifierMigrations } from '@tasktide/notifier/migrations';
import { createNotifierModule } from '@tasktide/notifier/module';
import { createOutboxRelay, type OutboxRelay } from '@tasktide/outbox';
import { mountModule } from '@tasktide/platform';
import { createRecurrenceModule } from '@tasktide/recurrence/module';
import { createLogger, createMetrics, createService } from '@tasktide/service-kit';
import { Mismatch } from './check.ts';
import type { Answer, Driver } from './driver.ts';

/**
 * The system as the clusters run it, on one machine: api, recurrence, notifier and audit each with
 * its own daprd and database, Kafka between them, Dapr Jobs on the real scheduler, real time. The
 * public routes are reached over HTTP on the app that owns them, as through the ingress.
 */
export async function stackDriver({ convergeMs = 45_000 } = {}): Promise<Driver> {
  const stack: LocalStack = await sharedStack('model.stack');
  const logger = createLogger({ service: 'model', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const dbs: DbHandle[] = [];
  const database = async (name: string, migrations: Parameters<DbHandle['migrate']>[0]) => {
    const db = await createDb({ url: await stack.createDatabase(name) });
    await db.migrate(migrations);
    dbs.push(db);
    return db;
  };
  const [apiDb, notifierDb, auditDb] = [
    await database('model_api', apiMigrations),
    await database('model_notifier', notifierMigrations),
    await database('model_audit', auditMigrations),
  ];
  let relay: OutboxRelay | undefined;
  const api = await stack.startApp('api', (platform) => {
    const metrics = createMetrics('api');
    relay = createOutboxRelay({ db: apiDb.db, tables: { outbox, relayLease }, pubsub: platform.pubsub, log: logger });
    return createApiApp({
      state: platform.state,
      db: apiDb,
      config: testApiConfig(),
      logger,
      metrics,
      onOutboxWrite: () => relay?.notify(),
    });
  });
  relay?.start();
  const mounted: ReturnType<typeof mountModule>[] = [];
  const service = (
    name: string,
    module: Parameters<typeof mountModule>[0],
    platform: Parameters<typeof mountModule>[1],
  ) => {
    const m = mountModule(module, platform, logger);
    mounted.push(m);
    return createService({ name, logger, metrics: createMetrics(name) }).use(m.app);
  };
  await stack.startApp('recurrence', (platform) =>
    service(
      'recurrence',
      createRecurrenceModule({ invoker: platform.invoker, jobs: platform.jobs, registry: createMetrics('r').registry }),
      platform,
    ),
  );
  const notifier = await stack.startApp('notifier', (platform) =>
    service(
      'notifier',
      createNotifierModule({
        db: notifierDb,
        platform,
        registry: createMetrics('n').registry,
        log: logger,
        jwtSecret: TEST_JWT_SECRET,
        webhookSigningKey: 'model-webhook-master-key-00000000000000',
        allowPrivateWebhooks: true,
        sweepGraceMs: 3_000,
      }),
      platform,
    ),
  );
  const audit = await stack.startApp('audit', (platform) =>
    service(
      'audit',
      createAuditModule({
        db: auditDb.db,
        platform,
        registry: createMetrics('a').registry,
        jwtSecret: TEST_JWT_SECRET,
        log: logger,
      }),
      platform,
    ),
  );
  for (const m of mounted) m.start();

  const owner = (path: string) =>
    path.startsWith('/api/v1/notifications') || path.startsWith('/api/v1/webhooks')
      ? notifier.url
      : path.startsWith('/api/v1/audit')
        ? audit.url
        : api.url;
  const unpublished = async (db: DbHandle, schema: 'api' | 'notifier') =>
    Number(
      rowsOf<{ n: number }>(
        await db.db.execute(sql`select count(*)::int as n from ${sql.raw(schema)}.outbox where published_at is null`),
      )[0]?.n ?? 0,
    );

  /** Both outboxes drained; what the consumers do with it is awaited by converge(). */
  async function settle() {
    const until = Date.now() + convergeMs;
    while ((await unpublished(apiDb, 'api')) + (await unpublished(notifierDb, 'notifier')) > 0) {
      if (Date.now() > until) throw new Mismatch('the outboxes did not drain');
      await Bun.sleep(50);
    }
  }

  return {
    kind: 'real stack (daprd + Kafka + scheduler + Postgres)',
    modelClock: false,
    async call(method, path, o = {}): Promise<Answer> {
      const res = await fetch(new URL(path, owner(path)), {
        method,
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body, headers: res.headers };
    },
    settle,
    async converge(compare) {
      await settle();
      const until = Date.now() + convergeMs;
      for (;;) {
        try {
          return await compare();
        } catch (err) {
          if (!(err instanceof Mismatch) || Date.now() > until) throw err;
          await Bun.sleep(250);
        }
      }
    },
    advance: (ms) => Bun.sleep(ms),
    now: () => Date.now(),
    async restart(appId) {
      throw new Error(`restarting ${appId} is not part of the real-stack profile`);
    },
    async committedEvents(userId) {
      const ids = async (db: DbHandle, schema: string) =>
        rowsOf<{ event_id: string }>(
          await db.db.execute(
            sql`select event_id::text from ${sql.raw(schema)}.outbox where partition_key = ${userId}`,
          ),
        ).map((r) => r.event_id);
      return [...(await ids(apiDb, 'api')), ...(await ids(notifierDb, 'notifier'))];
    },
    async close() {
      await relay?.stop();
      for (const m of mounted) await m.stop();
      await stack.close();
      for (const db of dbs) await db.close();
    },
  };
}
