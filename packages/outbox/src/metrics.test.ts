import { expect, test } from 'bun:test';
import { Registry } from 'prom-client';
import { outboxMetrics } from './metrics.ts';

test('several outboxes share one registry, each labelled, gauges fresh on every scrape', async () => {
  const registry = new Registry();
  let apiPending = 3;
  const api = outboxMetrics(registry, 'api', async () => ({ pending: apiPending, oldestAgeSeconds: apiPending * 2 }));
  outboxMetrics(registry, 'notifier', async () => ({ pending: 0, oldestAgeSeconds: 0 }));
  api.published('task-events', 5);
  api.published('task-events', 2, 'task.created');
  const scrape = async () => (await registry.metrics()).split('\n').filter((l) => l.startsWith('tasktide_outbox'));
  expect(await scrape()).toEqual(
    expect.arrayContaining([
      'tasktide_outbox_pending{outbox="api"} 3',
      'tasktide_outbox_pending{outbox="notifier"} 0',
      'tasktide_outbox_oldest_pending_age_seconds{outbox="api"} 6',
      'tasktide_outbox_published_total{outbox="api",topic="task-events"} 5',
      'tasktide_outbox_published_total{outbox="api",topic="task-events",event_type="task.created"} 2',
    ]),
  );
  apiPending = 7;
  await Bun.sleep(1_100);
  expect(await scrape()).toContain('tasktide_outbox_oldest_pending_age_seconds{outbox="api"} 14');
});
