import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiMigrations } from '@tasktide/api/migrations';
import { type apiClient, startApiOnStack } from '@tasktide/api/testing';
import { createDb, type DbHandle } from '@tasktide/db';
import { type LocalStack, type RunningApp, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { mountModule } from '@tasktide/platform';
import { createRecurrenceModule } from '@tasktide/recurrence/module';
import { occurrenceJobName } from '@tasktide/recurrence/on-schedule';
import { createLogger, createMetrics } from '@tasktide/service-kit';
import { eventually as poll } from '@tasktide/service-kit/testing';

/** The test kit's poller, with this file's patience. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000) =>
  poll(what, probe, timeoutMs, 200);

const DAY = 86_400_000;
type Item = { id: string; due_at: string; status: string; parent_id: string | null; created_at: string };

// Series on schedule on the real stack: api and recurrence each with its own daprd, Kafka between
// them, the occurrence jobs on the real Dapr scheduler, the recurrence-sweep cron binding every 5 s.
describe.skipIf(!stackEnabled)('recurrence on schedule on the real stack', () => {
  let stack: LocalStack;
  let apiDb: DbHandle;
  let relay: OutboxRelay;
  let client: ReturnType<typeof apiClient>;
  let recurrence: RunningApp | undefined;
  let recurrenceStop: (() => Promise<void>) | undefined;
  let jobs: Parameters<typeof createRecurrenceModule>[0]['jobs'] | undefined;
  /** Sweep runs so far: the signal that the sweep has looked after an occurrence was created. */
  let sweeps = 0;
  /** Task ids whose job the scheduler delivered. */
  const fired: string[] = [];
  const logger = createLogger({ service: 'stack', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  async function startRecurrence() {
    const metrics = createMetrics('recurrence');
    let mounted: ReturnType<typeof mountModule> | undefined;
    recurrence = await stack.startApp('recurrence', (platform) => {
      jobs = platform.jobs;
      const module = createRecurrenceModule({
        invoker: platform.invoker,
        jobs: platform.jobs,
        registry: metrics.registry,
        log: logger,
        sweepGraceMs: 2_000,
      });
      const sweep = module.bindings?.['recurrence-sweep'];
      if (!sweep) throw new Error('the recurrence module has no recurrence-sweep binding');
      const run = sweep.handler;
      sweep.handler = async () => {
        await run();
        sweeps++;
      };
      const onJob = module.onJob;
      module.onJob = async (name, data) => {
        await onJob?.(name, data);
        fired.push(String(data.task_id));
      };
      mounted = mountModule(module, platform, logger);
      return mounted.app;
    });
    mounted?.start();
    recurrenceStop = async () => {
      await mounted?.stop();
      await recurrence?.stop();
    };
  }

  beforeAll(async () => {
    stack = await sharedStack('recurrence-on-schedule.stack');
    apiDb = await createDb({ url: await stack.createDatabase('api') });
    await apiDb.migrate(apiMigrations);
    ({ client, relay } = await startApiOnStack(stack, { db: apiDb, logger }));
    await startRecurrence();
  }, 240_000);
  afterAll(async () => {
    await relay?.stop();
    await recurrenceStop?.();
    await apiDb?.close();
    await stack?.close();
  }, 60_000);

  const createOnSchedule = async (token: string, inMs: number) => {
    const res = await client.call('POST', '/api/v1/tasks', {
      token,
      body: {
        title: 'water plants',
        due_at: new Date(Date.now() + inMs).toISOString(),
        recurrence: 'daily',
        recurrence_mode: 'on_schedule',
      },
    });
    expect(res.status).toBe(201);
    return res.body as Item;
  };
  const series = async (token: string, id: string): Promise<Item[]> =>
    (await client.call('GET', `/api/v1/tasks?series_id=${id}&sort=due_at`, { token })).body.items;
  /** Resolves after a sweep that started after this call has finished. */
  const nextSweeps = async (n = 2) => {
    const from = sweeps;
    await eventually('the sweep to run', async () => (sweeps >= from + n ? true : undefined));
  };

  test('the scheduler fires the job at the due time and the next occurrence appears beside the open one, once', async () => {
    const u = await client.signUp();
    const first = await createOnSchedule(u.token, 8_000);
    // The recurrence service registered the occurrence's job on the real scheduler.
    const job = await eventually(
      'the occurrence job',
      async () => (await jobs?.get(occurrenceJobName(first.id))) ?? undefined,
    );
    expect(new Date(job.dueTime as string).getTime()).toBe(new Date(first.due_at).getTime());
    const items = await eventually('the next occurrence', async () => {
      const found = await series(u.token, first.id);
      return found.length >= 2 ? found : undefined;
    });
    const next = items[1] as Item;
    expect(items[0]).toMatchObject({ id: first.id, status: 'open' });
    expect(next).toMatchObject({ parent_id: first.id, status: 'open' });
    expect(new Date(next.due_at).getTime() - new Date(first.due_at).getTime()).toBe(DAY);
    // Never early: created once the due time had passed — and by the job, not only by the sweep.
    expect(new Date(next.created_at).getTime()).toBeGreaterThanOrEqual(new Date(first.due_at).getTime());
    await eventually('the job callback', async () => (fired.includes(first.id) ? true : undefined));
    // Completing the elapsed one, and sweeps after it, find the occurrence the job created.
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    await nextSweeps();
    expect((await series(u.token, first.id)).map((t) => t.id)).toEqual([first.id, next.id]);
  }, 120_000);

  test('an occurrence that elapsed while the recurrence service was down gets its successor once it is back', async () => {
    await recurrenceStop?.();
    const u = await client.signUp();
    const first = await createOnSchedule(u.token, 2_000);
    // Its due time passes with nobody to register or fire a job.
    await eventually('the due time to pass', async () =>
      Date.now() > new Date(first.due_at).getTime() + 1_000 ? true : undefined,
    );
    expect(await series(u.token, first.id)).toHaveLength(1);
    await startRecurrence();
    const items = await eventually('the caught-up occurrence', async () => {
      const found = await series(u.token, first.id);
      return found.length >= 2 ? found : undefined;
    });
    await nextSweeps();
    expect(await series(u.token, first.id)).toHaveLength(2);
    expect(new Date((items[1] as Item).due_at).getTime() - new Date(first.due_at).getTime()).toBe(DAY);
  }, 180_000);
});
