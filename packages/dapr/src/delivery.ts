import { type HandlerResult, parseEvent, type Subscription } from '@tasktide/events';
import { AppError, type Logger } from '@tasktide/service-kit';

/**
 * The one delivery path both adapters share: validate the envelope (invalid → drop to the DLQ),
 * skip types the subscription ignores, run the handler, and turn a thrown error into retry
 * (transient) or drop (a 4xx AppError: retrying cannot help).
 */
export async function deliver(
  sub: Subscription,
  data: unknown,
  meta: { topic: string; attempt?: number },
  log?: Logger,
): Promise<HandlerResult> {
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
  try {
    return await sub.handler(event as never, meta);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log?.warn(
      { err, consumer: sub.consumer, event_id: event.event_id, event_type: event.event_type },
      'handler failed',
    );
    if (err instanceof AppError && err.status < 500 && err.code !== 'rate_limited') return { status: 'drop', reason };
    return { status: 'retry', reason };
  }
}

/** Route path a subscription is delivered to over HTTP. */
export const routeOf = (sub: Subscription) => sub.route ?? `/events/${sub.consumer}/${sub.topic}`;
