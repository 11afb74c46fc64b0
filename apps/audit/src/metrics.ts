import type { Db } from '@tasktide/db';
import { allTopics } from '@tasktide/events';
import type { Logger } from '@tasktide/service-kit';
import { count, isNull } from 'drizzle-orm';
import { Counter, Gauge, type Registry } from 'prom-client';
import { deadLetters } from './db/schema.ts';

/**
 * The audit service's metrics. Labels stay bounded: event types come from the catalog (events are
 * validated before they are counted) and topics from the fixed topic list.
 */
export function createAuditMetrics(deps: { registry: Registry; db: Db; log?: Logger }) {
  const appended = new Counter({
    name: 'tasktide_audit_events_appended_total',
    help: 'Events appended to the audit log (duplicates are not counted), by event type',
    labelNames: ['event_type'] as const,
    registers: [deps.registry],
  });
  new Gauge({
    name: 'tasktide_dlq_entries',
    help: 'Dead-lettered messages not redriven yet (DLQ depth), by original topic',
    labelNames: ['topic'] as const,
    registers: [deps.registry],
    // Read at scrape time from the table, so every replica reports the same, true depth.
    async collect() {
      try {
        const rows = await deps.db
          .select({ topic: deadLetters.originalTopic, n: count() })
          .from(deadLetters)
          .where(isNull(deadLetters.redrivenAt))
          .groupBy(deadLetters.originalTopic);
        const depth = new Map(rows.map((r) => [r.topic, Number(r.n)]));
        for (const topic of allTopics) this.set({ topic }, depth.get(topic) ?? 0);
      } catch (err) {
        deps.log?.warn({ err }, 'could not read the DLQ depth');
      }
    },
  });
  return { appended };
}

export type AuditMetrics = ReturnType<typeof createAuditMetrics>;
