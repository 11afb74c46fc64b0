import { apiClient } from '@tasktide/api/testing';
import { type DbHandle, rowsOf, sql } from '@tasktide/db';
import { createTestDb, type DbKind } from '@tasktide/db/testing';
import { createTestClock } from '@tasktide/service-kit';
import { createSystem, type System } from '../system.ts';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the check asserts on arbitrary response JSON
  body: any;
  headers: Headers;
}

/**
 * The system under check, as the model check sees it: the public API, the clock, a way to wait
 * until it has caught up, and what it committed. One implementation per tier (embedded, real stack).
 */
export interface Driver {
  kind: string;
  call(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<Answer>;
  /** Resolves once every asynchronous effect of the steps so far has happened. */
  settle(): Promise<void>;
  /**
   * Runs a comparison once the system has caught up: at once after settle() where the system can
   * say it has (embedded), else again and again until it agrees or a deadline passes (real stack:
   * the last disagreement is the failure).
   */
  converge<T>(compare: () => Promise<T>): Promise<T>;
  /** Whether created_at/updated_at come from the clock the model drives (a test clock). */
  modelClock: boolean;
  /** Moves the system's time forward (the model moves its own). */
  advance(ms: number): Promise<void>;
  now(): number;
  /** Restarts a reacting service (recurrence, notifier, audit, realtime). */
  restart(appId: string): Promise<void>;
  /** Every event the services committed for a user: what the audit log must hold, once each. */
  committedEvents(userId: string): Promise<string[]>;
  close(): Promise<void>;
}

export const reactingServices = ['recurrence', 'notifier', 'audit', 'realtime'] as const;

/**
 * The whole embedded system (`createSystem`, as `bun dev` runs it) on a test clock that stands
 * still until the check advances it, so days of reminders take seconds and nothing depends on how
 * fast the machine is.
 */
export async function embeddedDriver(opts: { db?: DbKind; start?: Date; logLevel?: string } = {}): Promise<Driver> {
  const clock = createTestClock(opts.start ?? new Date('2030-01-07T08:00:00Z'));
  const db: DbHandle = await createTestDb(opts.db ?? 'pglite');
  const system: System = await createSystem({
    db,
    clock,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'model-secret-model-secret-model-secret-00',
      WEBHOOK_SIGNING_KEY: 'model-webhook-master-key-00000000000000',
      // The sweep races the job callbacks on every jump of the clock: exactly-once must hold anyway.
      REMINDER_SWEEP_EVERY_MS: '200',
      REMINDER_SWEEP_GRACE_MS: '0',
      // Every sequence signs up fresh users, all from one in-process address.
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '100000',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
    },
    bus: { pollMs: 20, backoffMs: 20, maxBackoffMs: 200 },
    jobsPollMs: 20,
  });
  system.start();
  const client = apiClient((r) => system.app.handle(r));
  return {
    kind: `embedded (${db.kind})`,
    call: (method, path, o = {}) => client.call(method, path, o),
    settle: () => system.settle({ timeoutMs: 60_000 }),
    async converge(compare) {
      await system.settle({ timeoutMs: 60_000 });
      return compare();
    },
    modelClock: true,
    async advance(ms) {
      clock.advance(ms);
    },
    now: () => clock.now().getTime(),
    restart: (appId) => system.restart(appId),
    async committedEvents(userId) {
      const rows = rowsOf<{ event_id: string }>(
        await db.db.execute(sql`
          select event_id::text from api.outbox where partition_key = ${userId}
          union select event_id::text from notifier.outbox where partition_key = ${userId}`),
      );
      return rows.map((r) => r.event_id);
    },
    async close() {
      await system.stop();
      await db.close();
    },
  };
}
