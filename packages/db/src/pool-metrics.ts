import { Gauge, type Registry } from 'prom-client';
import type { DbHandle } from './index.ts';

/**
 * Database pool saturation gauges, read from `DbHandle.poolStats()` at scrape time. Registered once
 * per registry (the standalone api reaches this from both its bootstrap and its app factory).
 */
export function registerDbPoolMetrics(registry: Registry, db: Pick<DbHandle, 'poolStats'>) {
  if (registry.getSingleMetric('tasktide_db_pool_connections_in_use')) return;
  const gauge = (name: string, help: string, read: (s: ReturnType<DbHandle['poolStats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(db.poolStats()));
      },
    });
  gauge('tasktide_db_pool_connections_in_use', 'Pool connections busy with a query or transaction', (s) => s.inUse);
  gauge('tasktide_db_pool_connections_max', 'Pool size (connections the service may open)', (s) => s.max);
  gauge(
    'tasktide_db_pool_pending_operations',
    'Database operations waiting beyond the pool size (queued or pipelined)',
    (s) => s.pending,
  );
}
