import { apiClient } from '@tasktide/api/testing';
import { createTestDb, type DbKind } from '@tasktide/db/testing';
import { createSystem, type System } from '../system.ts';

/** What every embedded end-to-end test runs the system with; a test adds or overrides variables. */
export const testSystemEnv = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0000',
};

type SystemOptions = NonNullable<Parameters<typeof createSystem>[0]>;

export interface TestSystem {
  system: System;
  /** The api's test client, calling the system in-process (`app.handle`). */
  client: ReturnType<typeof apiClient>;
  /** Stops the system and drops its database. */
  stop: () => Promise<void>;
}

/**
 * The set-up of every embedded end-to-end test: a fresh database of `kind`, the whole system on it
 * (test env plus `env`, a quick bus unless `bus` says otherwise), started, and an api client that
 * calls it in-process. `stop` stops the system and drops the database.
 *
 * @example
 * beforeAll(async () => ({ system, client, stop } = await startTestSystem(kind)), 120_000);
 * afterAll(() => stop());
 */
export async function startTestSystem(
  kind: DbKind,
  {
    env = {},
    bus = { pollMs: 50, backoffMs: 50 },
    ...rest
  }: Omit<SystemOptions, 'db' | 'env'> & {
    env?: Record<string, string>;
  } = {},
): Promise<TestSystem> {
  const db = await createTestDb(kind);
  const system = await createSystem({ db, env: { ...testSystemEnv, ...env }, bus, ...rest });
  system.start();
  return {
    system,
    client: apiClient((r) => system.app.handle(r)),
    stop: async () => {
      await system.stop();
      await system.db.close();
    },
  };
}
