import { type SpanAttributes, setSpanFactory } from './spans.ts';

/** Parses a W3C traceparent into its parts, or undefined when absent or invalid. */
function parentOf(traceparent: string | null | undefined) {
  const m = traceparent ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16) };
}

const defined = (attributes: SpanAttributes = {}) =>
  Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;

export interface TracingOptions {
  service: string;
  version?: string;
  pod?: string;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`), e.g. http://otel-collector.monitoring:4318. */
  endpoint: string;
  /** Export batches at most this often (ms); tests shorten it. */
  exportEveryMs?: number;
}

/**
 * Exports spans over OTLP/HTTP (JSON) with the OpenTelemetry SDK: server spans per request and
 * consumer spans per event delivery, both continuing the incoming W3C traceparent, so a request,
 * the events it causes and what their consumers do are one trace. The SDK is imported only here and
 * only when called, so a service without OTEL_EXPORTER_OTLP_ENDPOINT loads none of it. The provider
 * is deliberately not registered globally: libraries that trace through the global API (drizzle)
 * stay silent instead of starting unconnected root spans.
 *
 * @example
 * if (env.OTEL_EXPORTER_OTLP_ENDPOINT) tracing = await startTracing({ service: 'api', endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT })
 */
export async function startTracing(opts: TracingOptions): Promise<{ shutdown(): Promise<void> }> {
  const [{ ROOT_CONTEXT, SpanKind, SpanStatusCode, trace }, { TracerProvider, BatchSpanProcessor }, resources, otlp] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/exporter-trace-otlp-http'),
    ]);
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes(
      defined({ 'service.name': opts.service, 'service.version': opts.version, 'k8s.pod.name': opts.pod }),
    ),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new otlp.OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` }),
        scheduledDelayMillis: opts.exportEveryMs ?? 5_000,
      }),
    ],
  });
  const tracer = provider.getTracer('tasktide');
  setSpanFactory((name, { kind, traceparent, attributes }) => {
    const parent = parentOf(traceparent);
    const ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true }) : ROOT_CONTEXT;
    const span = tracer.startSpan(
      name,
      { kind: kind === 'server' ? SpanKind.SERVER : SpanKind.CONSUMER, attributes: defined(attributes) },
      ctx,
    );
    const sc = span.spanContext();
    let ended = false;
    return {
      trace: { traceId: sc.traceId, spanId: sc.spanId, flags: sc.traceFlags.toString(16).padStart(2, '0') },
      end(endAttributes, error) {
        if (ended) return;
        ended = true;
        const attrs = defined(endAttributes);
        span.setAttributes(attrs);
        // Server spans are named by method + route template once the router has matched.
        if (kind === 'server' && typeof attrs['http.route'] === 'string')
          span.updateName(`${name} ${attrs['http.route']}`);
        if (error)
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        span.end();
      },
    };
  });
  return {
    async shutdown() {
      setSpanFactory(undefined);
      await provider.shutdown();
    },
  };
}
