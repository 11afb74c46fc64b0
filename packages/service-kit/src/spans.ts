import { continueTrace, type TraceContext } from './trace.ts';

export type SpanKind = 'server' | 'consumer';

/** Attribute values a span accepts (OpenTelemetry's primitive set). */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** One unit of work (an HTTP request, an event delivery) whose trace context flows on. */
export interface ActiveSpan {
  /** What to log (`trace_id`) and to hand on (`traceparent` of outgoing events and calls). */
  trace: TraceContext;
  /** Ends the span; `error` marks it failed. Safe to call more than once (only the first counts). */
  end(attributes?: SpanAttributes, error?: unknown): void;
}

/** Creates spans; the default only continues W3C trace context, an exporter plugs in through setSpanFactory. */
export type SpanFactory = (
  name: string,
  opts: { kind: SpanKind; traceparent?: string | null; attributes?: SpanAttributes },
) => ActiveSpan;

const contextOnly: SpanFactory = (_name, { traceparent }) => ({ trace: continueTrace(traceparent), end() {} });

let factory: SpanFactory = contextOnly;

/**
 * Starts a span continuing `traceparent` (or a new trace). Without a configured exporter this costs
 * two random ids: trace ids still reach logs and events, nothing is recorded.
 *
 * @example
 * const span = startSpan('POST /api/v1/tasks', { kind: 'server', traceparent: request.headers.get('traceparent') });
 * // … span.trace.traceId goes into the log line, formatTraceparent(span.trace) into the events …
 * span.end({ 'http.response.status_code': 201 });
 */
export function startSpan(name: string, opts: Parameters<SpanFactory>[1]): ActiveSpan {
  return factory(name, opts);
}

/** Installs the span factory (tracing.ts does when OTEL_EXPORTER_OTLP_ENDPOINT is set); `undefined` resets. */
export function setSpanFactory(next: SpanFactory | undefined) {
  factory = next ?? contextOnly;
}
