// Real-stack tier (TASKTIDE_STACK=1): the log correlation of observability.e2e.test.ts again, but
// across processes' real sidecars — api → outbox relay → Dapr → Kafka → recurrence's daprd →
// recurrence → service invocation → api. The request's trace id and correlation id must reach the
// recurrence consumer's log line and the api's internal request it makes in turn.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Writable } from 'node:stream';
import { apiMigrations } from '@tasktide/api/migrations';
import { type apiClient, startApiOnStack } from '@tasktide/api/testing';
import { createDb, type DbHandle } from '@tasktide/db';
import { type LocalStack, sharedStack, stackEnabled } from '@tasktide/local-stack';
import type { OutboxRelay } from '@tasktide/outbox';
import { mountModule } from '@tasktide/platform';
import { createRecurrenceModule } from '@tasktide/recurrence/module';
import { createLogger, createMetrics } from '@tasktide/service-kit';

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk, _enc, done) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
    done();
  },
});
const loggerFor = (service: string) =>
  createLogger({ service, version: '1.0.0-stack', pod: `${service}-0`, level: 'debug', destination });

describe.skipIf(!stackEnabled)('trace and correlation ids across real sidecars', () => {
  let stack: LocalStack;
  let apiDb: DbHandle;
  let relay: OutboxRelay;
  let client: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    stack = await sharedStack('observability.stack');
    apiDb = await createDb({ url: await stack.createDatabase('obs_api') });
    await apiDb.migrate(apiMigrations);
    const apiLog = loggerFor('api');
    ({ client, relay } = await startApiOnStack(stack, { db: apiDb, logger: apiLog, startOptions: { log: apiLog } }));
    const recurrenceLog = loggerFor('recurrence');
    const recurrenceMetrics = createMetrics('recurrence');
    await stack.startApp(
      'recurrence',
      (platform) =>
        mountModule(
          createRecurrenceModule({
            invoker: platform.invoker,
            jobs: platform.jobs,
            registry: recurrenceMetrics.registry,
            log: recurrenceLog,
          }),
          platform,
          recurrenceLog,
        ).app,
      { log: recurrenceLog },
    );
    await Bun.sleep(3_000); // consumer groups join
  }, 240_000);
  afterAll(async () => {
    await relay?.stop();
    await apiDb?.close();
    // Every app this file started: left running, they would take the next file's messages.
    await stack?.close();
  }, 60_000);

  test('completing a recurring task: one trace from the request to the next occurrence', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const requestId = `stack-obs-${crypto.randomUUID()}`;
    const user = await client.signUp();
    const task = await client.call('POST', '/api/v1/tasks', {
      token: user.token,
      body: { title: 'stretch', due_at: new Date(Date.now() + 3_600_000).toISOString(), recurrence: 'daily' },
    });
    expect(task.status).toBe(201);
    await client.call('POST', `/api/v1/tasks/${task.body.id}/complete`, {
      token: user.token,
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': requestId },
    });

    const deadline = Date.now() + 60_000;
    const consumed = () =>
      lines.find(
        (l) =>
          l.service === 'recurrence' &&
          l.msg === 'event handled' &&
          l.event_type === 'task.completed' &&
          l.trace_id === traceId,
      );
    const internal = () =>
      lines.find((l) => l.service === 'api' && l.msg === 'request' && String(l.route).startsWith('/internal/tasks/'));
    while ((!consumed() || !internal()) && Date.now() < deadline) await Bun.sleep(200);

    expect(consumed()).toMatchObject({
      consumer: 'recurrence',
      correlation_id: requestId,
      outcome: 'success',
      version: '1.0.0-stack',
      pod: 'recurrence-0',
    });
    // The recurrence service's call back into the api, through both sidecars, keeps trace and correlation.
    expect(internal()).toMatchObject({ correlation_id: requestId, trace_id: traceId });
    for (const l of lines) {
      expect(l).toHaveProperty('service');
      expect(l).toHaveProperty('pod');
    }
  }, 90_000);
});
