import { Counter, type Registry } from 'prom-client';

/** Which task events count as which business metric. */
const countedAs = { 'task.created': 'created', 'task.completed': 'completed', 'task.deleted': 'deleted' } as const;

/**
 * Task lifecycle counters, incremented once the transaction that wrote the task change (and its
 * events) has committed — never for a rolled-back change, an idempotent replay or a no-op (completing
 * a completed task). `source` says who created the task: a user through the api, or the recurrence
 * service asking for the next occurrence.
 */
export function createTaskMetrics(registry: Registry) {
  const existing = registry.getSingleMetric('tasktide_tasks_created_total') as Counter<'source'> | undefined;
  const created =
    existing ??
    new Counter({
      name: 'tasktide_tasks_created_total',
      help: 'Tasks created, by source (api: a user; recurrence: the next occurrence of a series)',
      labelNames: ['source'] as const,
      registers: [registry],
    });
  const completed =
    (registry.getSingleMetric('tasktide_tasks_completed_total') as Counter | undefined) ??
    new Counter({ name: 'tasktide_tasks_completed_total', help: 'Tasks completed', registers: [registry] });
  const deleted =
    (registry.getSingleMetric('tasktide_tasks_deleted_total') as Counter | undefined) ??
    new Counter({
      name: 'tasktide_tasks_deleted_total',
      help: 'Tasks deleted (a series delete counts every open occurrence)',
      registers: [registry],
    });
  return {
    /** Counts the event types a committed transaction wrote. */
    committed(eventTypes: readonly string[], source: 'api' | 'recurrence' = 'api') {
      for (const type of eventTypes) {
        const kind = countedAs[type as keyof typeof countedAs];
        if (kind === 'created') created.inc({ source });
        else if (kind === 'completed') completed.inc();
        else if (kind === 'deleted') deleted.inc();
      }
    },
  };
}

export type TaskMetrics = ReturnType<typeof createTaskMetrics>;
