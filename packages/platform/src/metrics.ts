import type { HandlerResult, Subscription } from '@tasktide/events';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Consumer-side metrics every adapter records: outcome counts and commit→consume latency. */
export function createBusMetrics(registry: Registry) {
  const consumed = new Counter({
    name: 'tasktide_events_consumed_total',
    help: 'Events handled by consumers, by consumer, event type and outcome (success, retry, drop, duplicate)',
    labelNames: ['consumer', 'event_type', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tasktide_event_commit_to_consume_seconds',
    help: 'From the event timestamp (commit) to the end of its handling by a consumer',
    labelNames: ['consumer'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    consumed,
    latency,
    observe(sub: Subscription, data: unknown, result: HandlerResult, _started: number, outcome?: string) {
      const event = data as { event_type?: string; timestamp?: string } | undefined;
      const type = typeof event?.event_type === 'string' && event.event_type.length < 40 ? event.event_type : 'invalid';
      consumed.inc({ consumer: sub.consumer, event_type: type, outcome: outcome ?? result.status });
      const ts = event?.timestamp ? Date.parse(event.timestamp) : Number.NaN;
      // Duplicates included: the latency of a redelivery is what the pipeline really took.
      if (result.status === 'success' && !Number.isNaN(ts))
        latency.observe({ consumer: sub.consumer }, (Date.now() - ts) / 1000);
    },
  };
}

export type BusMetrics = ReturnType<typeof createBusMetrics>;
