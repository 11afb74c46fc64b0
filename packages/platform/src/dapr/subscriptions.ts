import { deadLetterTopic, type Subscription } from '@tasktide/events';
import { type Logger, rawBodyText } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { deliver, routeOf } from '../delivery.ts';
import type { BusMetrics } from '../metrics.ts';
import type { PubSub } from '../ports.ts';

/** Dapr's reply to a delivery. RETRY leads, after the resiliency policy gives up, to the DLQ topic. */
type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';

interface CloudEvent {
  id?: string;
  topic?: string;
  data?: unknown;
  data_base64?: string;
  traceparent?: string;
}

/** A bulk delivery: one request carrying a batch of one partition's messages, in order. */
interface BulkDelivery {
  entries: { entryId: string; event?: CloudEvent | string }[];
}

/**
 * Bulk subscribe: daprd hands the app up to `maxMessagesCount` messages per request, or what
 * arrived within `maxAwaitDurationMs` — one HTTP round trip (and one sidecar → app call) per batch
 * instead of per event; one event at a time the consumer side topped out below 1,000 events/s on
 * two shared cores (bench:events). The wait bounds the latency it adds under light load.
 */
export const bulkSubscribe = { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 10 } as const;

/**
 * Programmatic subscriptions for daprd: `GET /dapr/subscribe` lists every subscription with its
 * dead-letter topic, delivered in bulk; each delivery route parses the CloudEvents (Elysia does
 * not parse them, so the body is read as text) and maps each handler result. A poison message
 * (drop) is published to the DLQ by the app itself — Dapr's DROP would discard it.
 */
export function daprSubscriptionRoutes(opts: {
  pubsubName: string;
  subscriptions: Subscription[];
  publisher: Pick<PubSub, 'publish'>;
  log?: Logger;
  metrics?: BusMetrics;
}) {
  const app = new Elysia({ name: `dapr-subscriptions:${opts.pubsubName}` }).get('/dapr/subscribe', () =>
    opts.subscriptions.map((sub) => ({
      pubsubname: sub.pubsub ?? opts.pubsubName,
      topic: sub.topic,
      route: routeOf(sub),
      bulkSubscribe,
      // Dead-letter topics themselves have no DLQ (raw subscriptions): a failure there is retried.
      ...(sub.raw ? {} : { deadLetterTopic: deadLetterTopic(sub.topic) }),
    })),
  );

  /** One event through the handler; what Dapr should do with it. */
  async function handle(sub: Subscription, envelope: CloudEvent): Promise<DaprStatus> {
    const started = performance.now();
    const data =
      envelope.data ??
      (envelope.data_base64 ? JSON.parse(Buffer.from(envelope.data_base64, 'base64').toString()) : undefined);
    const result = await deliver(sub, data, { topic: sub.topic }, opts.log);
    opts.metrics?.observe(sub, data, result, started, result.duplicate ? 'duplicate' : undefined);
    if (result.status === 'success') return 'SUCCESS';
    if (result.status === 'retry') return 'RETRY';
    if (sub.raw) return 'DROP';
    const eventId = (data as { event_id?: string } | undefined)?.event_id ?? envelope.id ?? crypto.randomUUID();
    const userId = (data as { user_id?: string } | undefined)?.user_id ?? 'unknown';
    try {
      const res = await opts.publisher.publish(deadLetterTopic(sub.topic), [
        {
          key: userId,
          data: {
            event_id: eventId,
            dead_letter: { consumer: sub.consumer, topic: sub.topic, reason: result.reason },
            original: data ?? envelope,
          },
        },
      ]);
      if (res.failed.length) return 'RETRY';
    } catch {
      return 'RETRY';
    }
    opts.log?.warn(
      { consumer: sub.consumer, topic: sub.topic, event_id: eventId, reason: result.reason },
      'dead-lettered',
    );
    return 'SUCCESS';
  }

  /**
   * A batch in order, one event at a time, each answered for itself. An event to retry does not
   * hold back the rest: daprd retries the entries not answered SUCCESS and, once its resiliency
   * policy gives up, dead-letters every one of them — so entries held back behind a poison
   * message would land in the DLQ with it (the conformance suite caught exactly that). The price:
   * an event that succeeds on a retry takes effect after later events of its partition, which
   * consumers already allow for (they compare task versions where order matters; see
   * docs/platform.md).
   */
  async function handleBulk(sub: Subscription, bulk: BulkDelivery) {
    const statuses: { entryId: string; status: DaprStatus }[] = [];
    for (const entry of bulk.entries) {
      let envelope: CloudEvent;
      try {
        envelope = (typeof entry.event === 'string' ? JSON.parse(entry.event) : entry.event) as CloudEvent;
        if (!envelope || typeof envelope !== 'object') throw new Error('not an object');
      } catch {
        opts.log?.error({ consumer: sub.consumer, topic: sub.topic }, 'undecodable delivery dropped');
        statuses.push({ entryId: entry.entryId, status: 'DROP' });
        continue;
      }
      statuses.push({ entryId: entry.entryId, status: await handle(sub, envelope) });
    }
    return { statuses };
  }

  for (const sub of opts.subscriptions) {
    app.post(
      routeOf(sub),
      async ({ request }) => {
        let body: CloudEvent | BulkDelivery;
        try {
          body = JSON.parse(await rawBodyText(request)) as CloudEvent | BulkDelivery;
        } catch {
          opts.log?.error({ consumer: sub.consumer, topic: sub.topic }, 'undecodable delivery dropped');
          return { status: 'DROP' as const };
        }
        // One event at a time still works: a sidecar without bulk subscribe, or a replay by hand.
        if (Array.isArray((body as BulkDelivery).entries)) return handleBulk(sub, body as BulkDelivery);
        return { status: await handle(sub, body as CloudEvent) };
      },
      { parse: 'none', detail: { hide: true } },
    );
  }
  return app;
}
