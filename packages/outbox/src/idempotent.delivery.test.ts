import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Writable } from 'node:stream';
import type { DbHandle } from '@tasktide/db';
import { createTestDb } from '@tasktide/db/testing';
import { createEvent, defineSubscription } from '@tasktide/events';
import {
  createBusMetrics,
  createEmbeddedRuntime,
  currentDelivery,
  deliver,
  type EmbeddedRuntime,
  propagationHeaders,
} from '@tasktide/platform';
import { createLogger, formatTraceparent } from '@tasktide/service-kit';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { effects, fixtureDdl, processed } from './fixtures/ledger.ts';
import { onceInTransaction } from './idempotent.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const event = () =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    {
      userId: crypto.randomUUID(),
      correlationId: 'req-123',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    },
  );

/** A logger writing JSON lines into an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return {
    lines,
    log: createLogger({ service: 'notifier', version: '1.2.3', pod: 'notifier-0', level: 'debug', destination }),
  };
}

describe('deliver: context, logs and trace of one event', () => {
  test('handler logs carry the event correlation id and the trace id of its traceparent', async () => {
    const { lines, log } = capture();
    const seen: Record<string, unknown> = {};
    const sub = defineSubscription({
      consumer: 'notifier',
      topic: 'task-events',
      types: ['task.deleted'],
      handler: async () => {
        currentDelivery()?.log?.info('cancelled the reminder');
        Object.assign(seen, propagationHeaders());
        return { status: 'success' };
      },
    });
    const e = event();
    expect(await deliver(sub, e, { topic: 'task-events' }, log)).toEqual({ status: 'success' });
    const handlerLine = lines.find((l) => l.msg === 'cancelled the reminder');
    expect(handlerLine).toMatchObject({
      service: 'notifier',
      version: '1.2.3',
      pod: 'notifier-0',
      consumer: 'notifier',
      event_id: e.event_id,
      event_type: 'task.deleted',
      correlation_id: 'req-123',
      trace_id: traceId,
    });
    expect(lines.find((l) => l.msg === 'event handled')).toMatchObject({ outcome: 'success', trace_id: traceId });
    // A call made while handling continues the same trace (new span) and correlation.
    expect(seen['x-correlation-id']).toBe('req-123');
    expect(String(seen.traceparent)).toStartWith(`00-${traceId}-`);
    expect(seen.traceparent).not.toBe(e.traceparent);
    expect(propagationHeaders()).toEqual({});
  });

  test('a failing handler is logged with the same fields and retried', async () => {
    const { lines, log } = capture();
    const sub = defineSubscription({
      consumer: 'audit',
      topic: 'task-events',
      handler: async () => {
        throw new Error('database away');
      },
    });
    const result = await deliver(sub, event(), { topic: 'task-events', attempt: 2 }, log);
    expect(result.status).toBe('retry');
    expect(lines.find((l) => l.msg === 'handler failed')).toMatchObject({
      level: 'warn',
      correlation_id: 'req-123',
      trace_id: traceId,
      attempt: 2,
    });
  });

  test('an event without traceparent starts a new trace', async () => {
    const { lines, log } = capture();
    const e = { ...event() } as Record<string, unknown>;
    delete e.traceparent;
    const sub = defineSubscription({
      consumer: 'c',
      topic: 'task-events',
      handler: async () => ({ status: 'success' }),
    });
    await deliver(sub, e, { topic: 'task-events' }, log);
    const line = lines.find((l) => l.msg === 'event handled');
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.trace_id).not.toBe(traceId);
    expect(formatTraceparent({ traceId, spanId: '00f067aa0ba902b7', flags: '01' })).toBe(
      `00-${traceId}-00f067aa0ba902b7-01`,
    );
  });
});

describe('duplicate deliveries are counted apart (embedded bus, PGlite)', () => {
  let db: DbHandle;
  let runtime: EmbeddedRuntime;
  const registry = new Registry();
  beforeAll(async () => {
    db = await createTestDb('pglite');
    for (const statement of fixtureDdl) await db.db.execute(sql.raw(statement));
    runtime = await createEmbeddedRuntime({
      db,
      metrics: createBusMetrics(registry),
      bus: { pollMs: 20, backoffMs: 20 },
    });
  }, 60_000);
  afterAll(async () => {
    await runtime.close();
    await db.close();
  });

  test('the same event twice: one success, one duplicate', async () => {
    let handled = 0;
    const platform = runtime.platform('dup');
    platform.pubsub.subscribe([
      defineSubscription({
        consumer: 'dup-consumer',
        topic: 'task-events',
        handler: async (e) => {
          await onceInTransaction(db.db, processed, 'dup-consumer', e.event_id, (tx) =>
            tx.insert(effects).values({ eventId: e.event_id, consumer: 'dup-consumer', pid: 1 }),
          );
          handled++;
          return { status: 'success' };
        },
      }),
    ]);
    const e = event();
    await platform.pubsub.publish('task-events', [{ key: e.user_id, data: e }]);
    await platform.pubsub.publish('task-events', [{ key: e.user_id, data: e }]);
    const until = Date.now() + 10_000;
    while (handled < 2 && Date.now() < until) await Bun.sleep(20);
    const counts = (await registry.getSingleMetric('tasktide_events_consumed_total')?.get())?.values ?? [];
    const outcome = (o: string) => counts.find((v) => v.labels.outcome === o)?.value ?? 0;
    expect(outcome('success')).toBe(1);
    expect(outcome('duplicate')).toBe(1);
  });
});
