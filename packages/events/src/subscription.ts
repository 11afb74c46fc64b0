import type { EventType } from './catalog.ts';
import type { Topic } from './envelope.ts';
import type { AnyVersionOf } from './event.ts';

/**
 * What a handler tells the bus: done, try again later (transient failure), or give up on this
 * message (poison: it goes to the dead-letter topic instead of blocking the partition).
 */
export type HandlerResult =
  | { status: 'success' }
  | { status: 'retry'; reason: string }
  | { status: 'drop'; reason: string };

export const success: HandlerResult = { status: 'success' };
export const retry = (reason: string): HandlerResult => ({ status: 'retry', reason });
export const drop = (reason: string): HandlerResult => ({ status: 'drop', reason });

export interface DeliveryMeta {
  topic: string;
  /** How many times this message was delivered before (0 on first delivery), when the bus knows. */
  attempt?: number;
}

/** One consumer's interest in some event types of a topic; the handler gets validated, typed events. */
export interface Subscription<T extends EventType = EventType> {
  /** Consumer name, used as the idempotency scope and in metrics. */
  consumer: string;
  topic: Topic | string;
  /** Event types handled; others on the topic are acknowledged and skipped. Omitted or empty = all. */
  types?: readonly T[];
  handler: (event: AnyVersionOf<T>, meta: DeliveryMeta) => Promise<HandlerResult>;
  /**
   * Dapr pub/sub component to subscribe through, when not the app's default (e.g. `pubsub-realtime`,
   * whose consumer group is per pod). Ignored by the embedded bus.
   */
  pubsub?: string;
  /** Route path used when the bus delivers over HTTP (Dapr). Defaults to `/events/<consumer>/<topic>`. */
  route?: string;
  /**
   * Deliver the message data unvalidated (dead-letter topics carry wrapped or foreign payloads).
   * The handler then receives `unknown` despite its declared type.
   */
  raw?: boolean;
}

/** A subscription that receives message data as it is (for dead-letter topics). */
export function defineRawSubscription(sub: {
  consumer: string;
  topic: string;
  handler: (data: unknown, meta: DeliveryMeta) => Promise<HandlerResult>;
  route?: string;
}): Subscription {
  return { ...sub, raw: true, handler: sub.handler as Subscription['handler'] };
}

/**
 * Declares a typed subscription.
 *
 * @example
 * defineSubscription({ consumer: 'recurrence', topic: 'task-events', types: ['task.completed'],
 *   handler: async (event) => { event.payload.completed_at; return success } })
 */
export function defineSubscription<T extends EventType = EventType>(sub: Subscription<T>): Subscription {
  // The handler's narrowed parameter type only serves inference at the definition site; the bus
  // checks `types` before calling it.
  return sub as unknown as Subscription;
}
