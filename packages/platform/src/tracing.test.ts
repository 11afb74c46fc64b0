import { afterAll, describe, expect, test } from 'bun:test';
import { createEvent, defineSubscription } from '@tasktide/events';
import {
  createLogger,
  createMetrics,
  createService,
  formatTraceparent,
  requestContext,
  startTracing,
} from '@tasktide/service-kit';
import { deliver, propagationHeaders } from './delivery.ts';

type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number };

/** A fake OTLP/HTTP collector on 127.0.0.1 that keeps every span it receives (JSON encoding). */
function collector() {
  const spans: OtlpSpan[] = [];
  const resources: Record<string, unknown>[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      if (new URL(req.url).pathname !== '/v1/traces') return new Response('no', { status: 404 });
      const body = (await req.json()) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: OtlpSpan[] }[];
        }[];
      };
      for (const rs of body.resourceSpans) {
        resources.push(Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue])));
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      return Response.json({});
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, spans, resources, stop: () => server.stop(true) };
}

describe('OpenTelemetry: request → event → consumer is one trace (OTLP/HTTP to a fake collector)', () => {
  const otlp = collector();
  afterAll(() => otlp.stop());

  test('server span continues the caller; the consumer span is its child; calls carry the trace on', async () => {
    const tracing = await startTracing({
      service: 'api',
      version: '1.2.3',
      pod: 'api-0',
      endpoint: otlp.url,
      exportEveryMs: 50,
    });
    const log = createLogger({ service: 'api', level: 'silent' });
    let handlerHeaders: Record<string, string> = {};
    const sub = defineSubscription({
      consumer: 'notifier',
      topic: 'task-events',
      handler: async () => {
        handlerHeaders = propagationHeaders();
        return { status: 'success' };
      },
    });
    const app = createService({ name: 'api', logger: log, metrics: createMetrics('api') }).post(
      '/tasks/:id',
      async ({ request }) => {
        const ctx = requestContext(request)!;
        const event = createEvent(
          'task.deleted',
          { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
          { userId: crypto.randomUUID(), correlationId: ctx.correlationId, traceparent: formatTraceparent(ctx.trace) },
        );
        return deliver(sub, event, { topic: 'task-events' }, log);
      },
    );
    const callerTrace = '5b8aa5a2d2c872e8321cf37308d69df2';
    const res = await app.handle(
      new Request('http://localhost/tasks/1', {
        method: 'POST',
        headers: { traceparent: `00-${callerTrace}-051581bf3cb55c13-01` },
      }),
    );
    expect(res.status).toBe(200);
    await Bun.sleep(20); // the server span ends after the response
    await tracing.shutdown(); // flushes

    const server = otlp.spans.find((s) => s.kind === 2)!;
    const consumer = otlp.spans.find((s) => s.kind === 5)!;
    expect(server).toMatchObject({ traceId: callerTrace, parentSpanId: '051581bf3cb55c13', name: 'POST /tasks/:id' });
    expect(consumer).toMatchObject({ traceId: callerTrace, parentSpanId: server.spanId, name: 'task-events process' });
    // The response's traceparent names the server span; a call from the handler names the consumer span.
    expect(res.headers.get('traceparent')).toBe(`00-${callerTrace}-${server.spanId}-01`);
    expect(handlerHeaders.traceparent).toBe(`00-${callerTrace}-${consumer.spanId}-01`);
    expect(otlp.resources[0]).toMatchObject({
      'service.name': 'api',
      'service.version': '1.2.3',
      'k8s.pod.name': 'api-0',
    });
  });

  test('after shutdown spans are context-only again: ids flow, nothing is exported', async () => {
    const before = otlp.spans.length;
    const app = createService({
      name: 'api',
      logger: createLogger({ service: 'api', level: 'silent' }),
      metrics: createMetrics('api'),
    }).get('/x', () => 'ok');
    const res = await app.handle(new Request('http://localhost/x'));
    expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await Bun.sleep(100);
    expect(otlp.spans.length).toBe(before);
  });
});
