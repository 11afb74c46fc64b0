import { Counter, Gauge, Registry } from 'prom-client';

type Probe = () => Promise<{ pending: number; oldestAgeSeconds: number }>;

interface OutboxMetrics {
  published: Counter<'outbox' | 'topic' | 'event_type'>;
  failures: Counter<'outbox' | 'topic'>;
  probes: Map<string, Probe>;
}

// Several outboxes can share one registry (the api and the notifier in the `bun dev` process):
// the metrics exist once per registry, labelled by outbox, and the gauges ask every outbox.
const perRegistry = new WeakMap<Registry, OutboxMetrics>();

export function outboxMetrics(registry: Registry | undefined, outbox: string, probe: Probe) {
  const reg = registry ?? new Registry();
  let m = perRegistry.get(reg);
  if (!m) {
    const probes = new Map<string, Probe>();
    const registers = [reg];
    // Both gauges read one probe per outbox; prom-client collects metrics concurrently, so the
    // probe result is shared for a moment instead of querying every outbox twice per scrape.
    let cached:
      | { at: number; result: Promise<(readonly [string, { pending: number; oldestAgeSeconds: number }])[]> }
      | undefined;
    const collectAll = () => {
      if (!cached || Date.now() - cached.at > 1_000) {
        cached = {
          at: Date.now(),
          result: Promise.all([...probes].map(async ([name, p]) => [name, await p()] as const)),
        };
      }
      return cached.result;
    };
    new Gauge({
      name: 'tasktide_outbox_pending',
      help: 'Outbox rows not yet published',
      labelNames: ['outbox'] as const,
      registers,
      async collect() {
        for (const [name, v] of await collectAll()) this.set({ outbox: name }, v.pending);
      },
    });
    new Gauge({
      name: 'tasktide_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when empty)',
      labelNames: ['outbox'] as const,
      registers,
      async collect() {
        for (const [name, v] of await collectAll()) this.set({ outbox: name }, v.oldestAgeSeconds);
      },
    });
    m = {
      probes,
      published: new Counter({
        name: 'tasktide_outbox_published_total',
        help: 'Outbox events published to the bus, by outbox, topic and event type',
        labelNames: ['outbox', 'topic', 'event_type'] as const,
        registers,
      }),
      failures: new Counter({
        name: 'tasktide_outbox_publish_failures_total',
        help: 'Failed publish attempts of outbox batches, by outbox and topic',
        labelNames: ['outbox', 'topic'] as const,
        registers,
      }),
    };
    perRegistry.set(reg, m);
  }
  m.probes.set(outbox, probe);
  const metrics = m;
  return {
    /** `eventType` comes from the event catalog (bounded), never from user input. */
    published: (topic: string, n: number, eventType?: string) =>
      metrics.published.inc(eventType ? { outbox, topic, event_type: eventType } : { outbox, topic }, n),
    failed: (topic: string) => metrics.failures.inc({ outbox, topic }),
  };
}
