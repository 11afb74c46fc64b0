import type { DbHandle } from '@tasktide/db';
import { createTestDb, type DbKind } from '@tasktide/db/testing';
import type { LocalStack, RunningApp, StartAppOptions } from '@tasktide/local-stack';
import { createOutboxRelay, type OutboxRelay } from '@tasktide/outbox';
import { createEmbeddedState, embeddedMigrations } from '@tasktide/platform';
import { type Clock, createLogger, createMetrics, type Logger, type Metrics, parseConfig } from '@tasktide/service-kit';
import { type JsonCallOptions, jsonClient } from '@tasktide/service-kit/testing';
import { createApiApp } from './app.ts';
import { apiConfigSchema } from './config.ts';
import { apiMigrations } from './db/migrations.ts';
import { outbox, relayLease } from './db/schema.ts';

export type CallOptions = JsonCallOptions;

type Handle = (request: Request) => Response | Promise<Response>;

/** A JSON caller over `app.handle` (no port) and a sign-up helper, for in-process tests. */
export function apiClient(handle: Handle) {
  const call = jsonClient(handle);
  /** Registers a fresh user and returns its access token and id. */
  async function signUp(overrides: Record<string, unknown> = {}) {
    const email = `user-${crypto.randomUUID().slice(0, 12)}@example.com`;
    const password = 'correct horse battery';
    const reg = await call('POST', '/api/v1/auth/register', {
      body: { email, password, display_name: 'Test User', timezone: 'Europe/Berlin', ...overrides },
    });
    if (reg.status !== 201) throw new Error(`register failed: ${JSON.stringify(reg.body)}`);
    const login = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    return { token: login.body.access_token as string, userId: reg.body.id as string, email, password };
  }
  return { call, signUp };
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

/** Config for tests: defaults plus overrides, logs silent unless LOG_LEVEL says otherwise. */
export function testApiConfig(env: Record<string, string> = {}) {
  const config = parseConfig(apiConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every in-process call comes from one (unknown) address: tests that do not test the limits
    // sign up far more users than an address may.
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: '100000',
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
    ...env,
  });
  // Credentials are not env config (they come from a secret store); tests pass them alongside.
  return { ...config, JWT_SECRET: TEST_JWT_SECRET, APP_API_TOKEN: env.APP_API_TOKEN };
}

/**
 * An api instance on a fresh database (PGlite or real Postgres) for in-process tests:
 * `call()` goes through `app.handle()`, no port needed.
 */
export async function createTestApi(kind: DbKind, env: Record<string, string> = {}, clock?: Clock) {
  const db = await createTestDb(kind);
  await db.migrate(apiMigrations);
  // The abuse counters need a state store: the embedded one, on the same database.
  await db.migrate(embeddedMigrations);
  const config = testApiConfig(env);
  const app = createApiApp({
    db,
    config,
    logger: createLogger({ service: 'api', level: config.LOG_LEVEL }),
    metrics: createMetrics('api'),
    clock,
    state: createEmbeddedState(db.db, 'api'),
  });
  return { app, db, ...apiClient((r) => app.handle(r)), close: () => db.close() };
}

export type TestApi = Awaited<ReturnType<typeof createTestApi>>;

/** The api as the real-stack tests run it: its own daprd, its outbox relay started, a client. */
export interface ApiOnStack {
  app: RunningApp;
  client: ReturnType<typeof apiClient>;
  relay: OutboxRelay;
  metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * Starts the api and its relay as one app of a local stack (the pair `main.ts` runs in a cluster),
 * on a database the caller migrated. `stop()` stops the relay; the stack stops the app.
 */
export async function startApiOnStack(
  stack: Pick<LocalStack, 'startApp'>,
  o: {
    db: DbHandle;
    logger: Logger;
    config?: ReturnType<typeof testApiConfig>;
    /** The relay's longest backoff (tests that stop the broker want it short). */
    backoffMaxMs?: number;
    /** Passed to the stack (e.g. `log` for the sidecar's lines). */
    startOptions?: StartAppOptions;
  },
): Promise<ApiOnStack> {
  const metrics = createMetrics('api');
  let relay: OutboxRelay | undefined;
  let client: ReturnType<typeof apiClient> | undefined;
  const app = await stack.startApp(
    'api',
    (platform) => {
      const outboxRelay = createOutboxRelay({
        db: o.db.db,
        tables: { outbox, relayLease },
        name: 'api',
        pubsub: platform.pubsub,
        log: o.logger,
        registry: metrics.registry,
        ...(o.backoffMaxMs === undefined ? {} : { backoffMaxMs: o.backoffMaxMs }),
      });
      relay = outboxRelay;
      const api = createApiApp({
        state: platform.state,
        db: o.db,
        config: o.config ?? testApiConfig(),
        logger: o.logger,
        metrics,
        onOutboxWrite: () => outboxRelay.notify(),
      });
      client = apiClient((r) => api.handle(r));
      return api;
    },
    o.startOptions,
  );
  if (!relay || !client) throw new Error('the stack did not build the api');
  relay.start();
  const started = relay;
  return { app, client, relay: started, metrics, stop: () => started.stop() };
}
