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

/**
 * Programmatic subscriptions for daprd: `GET /dapr/subscribe` lists every subscription with its
 * dead-letter topic; each delivery route parses the CloudEvent (Elysia does not parse
 * `application/cloudevents+json`, so the body is read as text) and maps the handler result.
 * A poison message (drop) is published to the DLQ by the app itself — Dapr's DROP would discard it.
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
      // Dead-letter topics themselves have no DLQ (raw subscriptions): a failure there is retried.
      ...(sub.raw ? {} : { deadLetterTopic: deadLetterTopic(sub.topic) }),
    })),
  );
  for (const sub of opts.subscriptions) {
    app.post(
      routeOf(sub),
      async ({ request }): Promise<{ status: DaprStatus }> => {
        const started = performance.now();
        let envelope: CloudEvent;
        try {
          envelope = JSON.parse(await rawBodyText(request)) as CloudEvent;
        } catch {
          opts.log?.error({ consumer: sub.consumer, topic: sub.topic }, 'undecodable delivery dropped');
          return { status: 'DROP' };
        }
        const data =
          envelope.data ??
          (envelope.data_base64 ? JSON.parse(Buffer.from(envelope.data_base64, 'base64').toString()) : undefined);
        const result = await deliver(sub, data, { topic: sub.topic }, opts.log);
        opts.metrics?.observe(sub, data, result, started, result.duplicate ? 'duplicate' : undefined);
        if (result.status === 'success') return { status: 'SUCCESS' };
        if (result.status === 'retry') return { status: 'RETRY' };
        if (sub.raw) return { status: 'DROP' };
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
          if (res.failed.length) return { status: 'RETRY' };
        } catch {
          return { status: 'RETRY' };
        }
        opts.log?.warn(
          { consumer: sub.consumer, topic: sub.topic, event_id: eventId, reason: result.reason },
          'dead-lettered',
        );
        return { status: 'SUCCESS' };
      },
      { parse: 'none', detail: { hide: true } },
    );
  }
  return app;
}
