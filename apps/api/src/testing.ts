import { createTestDb, type DbKind } from '@tasktide/db/testing';
import { createEmbeddedState, embeddedMigrations } from '@tasktide/platform';
import { type Clock, createLogger, createMetrics, parseConfig } from '@tasktide/service-kit';
import { type JsonCallOptions, jsonClient } from '@tasktide/service-kit/testing';
import { createApiApp } from './app.ts';
import { apiConfigSchema } from './config.ts';
import { apiMigrations } from './db/migrations.ts';

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
