import { AsyncLocalStorage } from 'node:async_hooks';
import { type HandlerResult, parseEvent, type Subscription } from '@tasktide/events';
import { AppError, formatTraceparent, type Logger, startSpan, type TraceContext } from '@tasktide/service-kit';

/** What the code handling one event can know about it: logger, correlation and trace to hand on. */
export interface DeliveryContext {
  consumer: string;
  eventId: string;
  correlationId: string;
  trace: TraceContext;
  /** Child logger: every line carries consumer, event id and type, correlation id and trace id. */
  log?: Logger;
  /** Set when an idempotency helper found the event already applied (metrics count it apart). */
  duplicate: boolean;
}

const deliveries = new AsyncLocalStorage<DeliveryContext>();

/** The delivery being handled in this async context, if any. */
export const currentDelivery = (): DeliveryContext | undefined => deliveries.getStore();

/** Records that the current delivery was skipped as already applied (outcome `duplicate`). */
export function markDuplicate() {
  const ctx = deliveries.getStore();
  if (ctx) ctx.duplicate = true;
}

/**
 * Headers that carry the current delivery's trace and correlation into a service call it makes, so
 * a request → event → consumer → call → event chain stays one trace with one correlation id.
 */
export function propagationHeaders(): Record<string, string> {
  const ctx = deliveries.getStore();
  return ctx ? { traceparent: formatTraceparent(ctx.trace), 'x-correlation-id': ctx.correlationId } : {};
}

/** A handler result plus what the delivery path observed (duplicate skips count apart). */
export type Delivered = HandlerResult & { duplicate?: boolean };

/**
 * The one delivery path both adapters share: validate the envelope (invalid → drop to the DLQ),
 * skip types the subscription ignores, run the handler inside a consumer span and a delivery
 * context (child logger with the event's correlation id and trace id), and turn a thrown error into
 * retry (transient) or drop (a 4xx AppError: retrying cannot help).
 */
export async function deliver(
  sub: Subscription,
  data: unknown,
  meta: { topic: string; attempt?: number },
  log?: Logger,
): Promise<Delivered> {
  if (sub.raw) {
    try {
      return await (sub.handler as (d: unknown, m: typeof meta) => Promise<HandlerResult>)(data, meta);
    } catch (err) {
      return { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
    }
  }
  const parsed = parseEvent(data);
  if (!parsed.ok) return { status: 'drop', reason: `invalid event: ${parsed.reason}` };
  const event = parsed.event;
  if (sub.types?.length && !(sub.types as readonly string[]).includes(event.event_type)) return { status: 'success' };
  const span = startSpan(`${sub.topic} process`, {
    kind: 'consumer',
    traceparent: event.traceparent,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': sub.topic,
      'messaging.consumer.group.name': sub.consumer,
      'messaging.message.id': event.event_id,
      'tasktide.event_type': event.event_type,
      'tasktide.correlation_id': event.correlation_id,
    },
  });
  const ctx: DeliveryContext = {
    consumer: sub.consumer,
    eventId: event.event_id,
    correlationId: event.correlation_id,
    trace: span.trace,
    log: log?.child({
      consumer: sub.consumer,
      topic: sub.topic,
      event_id: event.event_id,
      event_type: event.event_type,
      correlation_id: event.correlation_id,
      trace_id: span.trace.traceId,
    }),
    duplicate: false,
  };
  const started = performance.now();
  const result = await deliveries.run(ctx, async (): Promise<HandlerResult> => {
    try {
      return await sub.handler(event as never, meta);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ctx.log?.warn({ err, attempt: meta.attempt }, 'handler failed');
      if (err instanceof AppError && err.status < 500 && err.code !== 'rate_limited') return { status: 'drop', reason };
      return { status: 'retry', reason };
    }
  });
  const outcome = result.status === 'success' && ctx.duplicate ? 'duplicate' : result.status;
  span.end({ 'tasktide.outcome': outcome }, result.status === 'success' ? undefined : new Error(result.reason));
  ctx.log?.debug({ outcome, duration_ms: Math.round(performance.now() - started) }, 'event handled');
  return ctx.duplicate && result.status === 'success' ? { ...result, duplicate: true } : result;
}

/** Route path a subscription is delivered to over HTTP. */
export const routeOf = (sub: Subscription) => sub.route ?? `/events/${sub.consumer}/${sub.topic}`;
