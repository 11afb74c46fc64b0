import { type Db, pgErrorCode } from '@tasktide/db';
import { allTopics, deadLetterTopic, defineRawSubscription, defineSubscription, drop, success } from '@tasktide/events';
import type { Platform, ServiceModule } from '@tasktide/platform';
import type { Clock, Logger } from '@tasktide/service-kit';
import { remoteAuthenticator } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import type { Registry } from 'prom-client';
import { appendEvent, LOG_CONSUMER } from './chain/append.ts';
import { dlqRoutes } from './dlq/index.ts';
import { parseDeadLetter } from './dlq/parse.ts';
import { storeDeadLetter } from './dlq/service.ts';
import { auditEventRoutes } from './events/index.ts';
import { createAuditMetrics } from './metrics.ts';

export { auditMigrations } from './db/migrations.ts';

export const AUDIT_APP_ID = 'audit';

export interface AuditModuleDeps {
  db: Db;
  /** Service invocation (api token resolution) and publishing (redrive). */
  platform: Pick<Platform, 'invoker' | 'pubsub'>;
  registry: Registry;
  /** Key of the JWTs the api signs. */
  jwtSecret: string;
  /** Bearer token of the operator API; without one the operator API refuses every call. */
  operatorToken?: string;
  log?: Logger;
  /** Judges token expiry (a test clock in the model check). */
  clock?: Clock;
}

/**
 * The audit service: appends every event of every topic to an append-only, per-user hash chain,
 * keeps every dead-lettered message, and serves the user's log (`/api/v1/audit`) and the operator's
 * DLQ API (`/internal/dlq`). Its tables must be migrated first (`auditMigrations`).
 */
export function createAuditModule(deps: AuditModuleDeps): ServiceModule {
  const metrics = createAuditMetrics({ registry: deps.registry, db: deps.db, log: deps.log });
  const logSubscriptions = allTopics.map((topic) =>
    defineSubscription({
      consumer: LOG_CONSUMER,
      topic,
      handler: async (event) => {
        try {
          if (await appendEvent(deps.db, event)) metrics.appended.inc({ event_type: event.event_type });
          return success;
        } catch (err) {
          // Data exceptions (class 22, e.g. a character Postgres cannot store) fail on every retry.
          if (pgErrorCode(err)?.startsWith('22')) return drop(`not storable: ${(err as Error).message}`);
          throw err;
        }
      },
    }),
  );
  const dlqSubscriptions = allTopics.map((topic) =>
    defineRawSubscription({
      consumer: LOG_CONSUMER,
      topic: deadLetterTopic(topic),
      handler: async (data, meta) => {
        const entry = parseDeadLetter(data, meta.topic);
        await storeDeadLetter(deps.db, entry);
        deps.log?.warn(
          { topic: entry.originalTopic, consumer: entry.consumer, event_id: entry.eventId, reason: entry.reason },
          'dead letter stored',
        );
        return success;
      },
    }),
  );
  const routes = new Elysia({ name: `module:${AUDIT_APP_ID}:routes` })
    .use(
      auditEventRoutes({
        db: deps.db,
        authenticate: remoteAuthenticator({
          jwtSecret: deps.jwtSecret,
          invoker: deps.platform.invoker,
          clock: deps.clock,
        }),
      }),
    )
    .use(dlqRoutes({ db: deps.db, pubsub: deps.platform.pubsub, operatorToken: deps.operatorToken, log: deps.log }));
  return { appId: AUDIT_APP_ID, routes, subscriptions: [...logSubscriptions, ...dlqSubscriptions] };
}
