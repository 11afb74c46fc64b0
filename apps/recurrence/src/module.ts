import { defineSubscription, drop, retry, success, topics } from '@tasktide/events';
import type { Invoker, ServiceModule } from '@tasktide/platform';
import type { Logger } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { Counter, type Registry } from 'prom-client';
import { nextDueAfterCompletion } from './service.ts';

export const RECURRENCE_APP_ID = 'recurrence';

/**
 * Creates the next occurrence of every completed recurring task, through the api's internal
 * endpoint (service invocation with the resiliency policy). The api writes the new task and its
 * task.created + task.recurrence events in one transaction, idempotent on the completion's event id.
 */
export function createRecurrenceModule(deps: { invoker: Invoker; registry: Registry; log?: Logger }): ServiceModule {
  const instances = new Counter({
    name: 'tasktide_recurrence_instances_total',
    help: 'Next occurrences requested, by outcome (created, duplicate, series_ended, cancelled, failed)',
    labelNames: ['outcome'] as const,
    registers: [deps.registry],
  });
  const completed = defineSubscription({
    consumer: RECURRENCE_APP_ID,
    topic: topics.taskEvents,
    types: ['task.completed'],
    handler: async (event) => {
      if (!event.payload.task.recurrence) return success;
      const next = nextDueAfterCompletion(event);
      if (!next) {
        instances.inc({ outcome: 'series_ended' });
        return success;
      }
      const res = await deps.invoker.invoke('api', `internal/tasks/${event.payload.task_id}/next-occurrence`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(event.traceparent ? { traceparent: event.traceparent } : {}),
        },
        body: JSON.stringify({
          source_event_id: event.event_id,
          user_id: event.user_id,
          due_at: next.toISOString(),
          completed_at: event.payload.completed_at,
        }),
      });
      if (res.status === 201) instances.inc({ outcome: 'created' });
      else if (res.status === 200) instances.inc({ outcome: 'duplicate' });
      else if (res.status === 404 || res.status === 409) {
        // The occurrence was deleted or its series cancelled meanwhile: nothing to create.
        instances.inc({ outcome: 'cancelled' });
      } else {
        instances.inc({ outcome: 'failed' });
        const reason = `api answered ${res.status}: ${(await res.text()).slice(0, 300)}`;
        return res.status >= 500 || res.status === 429 ? retry(reason) : drop(reason);
      }
      deps.log?.debug(
        { task_id: event.payload.task_id, next: next.toISOString(), status: res.status },
        'next occurrence',
      );
      return success;
    },
  });
  return { appId: RECURRENCE_APP_ID, routes: new Elysia(), subscriptions: [completed] };
}
