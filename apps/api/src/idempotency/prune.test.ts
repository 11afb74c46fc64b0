import { expect, test } from 'bun:test';
import { rowsOf, sql } from '@tasktide/db';
import { createTestDb } from '@tasktide/db/testing';
import { createEmbeddedRuntime, parseServiceConfig } from '@tasktide/platform';
import { createLogger, createMetrics, createTestClock } from '@tasktide/service-kit';
import { apiMigrations } from '../db/migrations.ts';
import { apiService } from '../definition.ts';

test('the api prunes idempotency keys past their 24 h when it starts and then on a schedule', async () => {
  const db = await createTestDb('pglite');
  await db.migrate(apiMigrations);
  const clock = createTestClock(new Date('2030-01-01T00:00:00Z'));
  const insert = (key: string, createdAt: string) =>
    db.db.execute(sql`insert into api.idempotency_keys (scope, key, request_hash, created_at)
      values ('anon', ${key}, 'h', ${createdAt}::timestamptz)`);
  await insert('stale', '2029-12-30T23:00:00Z'); // 25 h before the clock
  await insert('fresh', '2029-12-31T12:00:00Z');
  const runtime = await createEmbeddedRuntime({ db, clock });
  const config = parseServiceConfig(apiService, { NODE_ENV: 'test', IDEMPOTENCY_PRUNE_EVERY_MS: '1000' });
  const module = await apiService.create({
    appId: 'api',
    config,
    secrets: { JWT_SECRET: 'prune-secret-prune-secret-prune-secret-0' },
    db,
    platform: runtime.platform('api'),
    logger: createLogger({ service: 'api', level: 'silent' }),
    metrics: createMetrics('api'),
    clock,
  });
  const keys = async () =>
    rowsOf<{ key: string }>(await db.db.execute(sql`select key from api.idempotency_keys order by key`)).map(
      (r) => r.key,
    );
  module.start?.();
  try {
    for (let i = 0; i < 200 && (await keys()).includes('stale'); i++) await Bun.sleep(20);
    expect(await keys()).toEqual(['fresh']);
    // A day later by the clock, the next scheduled round takes the other one too.
    clock.advance(24 * 3600_000);
    for (let i = 0; i < 300 && (await keys()).length; i++) await Bun.sleep(20);
    expect(await keys()).toEqual([]);
  } finally {
    await module.stop?.();
    await runtime.close();
    await db.close();
  }
});
