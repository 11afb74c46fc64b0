import { defineSubscription, drop, retry, success, topics } from '@tasktide/events';
import type { Invoker, Jobs, ServiceModule } from '@tasktide/platform';
import { type Clock, type Logger, systemClock } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { Counter, type Registry } from 'prom-client';
import { fireOccurrenceJob, type OnScheduleDeps, syncOccurrenceJob } from './on-schedule/jobs.ts';
import { occurrenceSweep } from './on-schedule/sweep.ts';
import { nextDueAfterCompletion } from './service.ts';

export interface RecurrenceOptions {
  invoker: Invoker;
  /** Triggers for series on schedule: one job per occurrence, due at its due time. */
  jobs: Jobs;
  registry: Registry;
  log?: Logger;
  /** Decides what has elapsed (a test clock in the model check and the catch-up tests). */
  clock?: Clock;
  /** How often the sweep runs in embedded mode (under Dapr the cron binding decides: every minute). */
  sweepEveryMs?: number;
  /** How long after its due time an occurrence must be without a successor before the sweep acts. */
  sweepGraceMs?: number;
}

export const RECURRENCE_APP_ID = 'recurrence';

/**
 * Creates the next occurrence of every completed recurring task, through the api's internal
 * endpoint (service invocation with the resiliency policy). The api writes the new task and its
 * task.created + task.recurrence events in one transaction, idempotent on the completion's event id.
 * Series on schedule also get their next occurrence when the current one's due time passes: this
 * service owns one Dapr job per such occurrence and the `recurrence-sweep` cron binding that catches
 * up what the jobs missed (see on-schedule/).
 */
export function createRecurrenceModule(deps: RecurrenceOptions): ServiceModule {
  const instances = new Counter({
    name: 'tasktide_recurrence_instances_total',
    help: 'Next occurrences requested, by outcome (created, duplicate, series_ended, cancelled, failed)',
    labelNames: ['outcome'] as const,
    registers: [deps.registry],
  });
  const onSchedule: OnScheduleDeps = {
    invoker: deps.invoker,
    jobs: deps.jobs,
    clock: deps.clock ?? systemClock,
    log: deps.log,
    outcomes: new Counter({
      name: 'tasktide_recurrence_scheduled_total',
      help: 'Occurrences of series on schedule asked for when their due time passed, by outcome (created, existing, series_ended, cancelled, rescheduled)',
      labelNames: ['outcome'] as const,
      registers: [deps.registry],
    }),
  };
  const completed = defineSubscription({
    consumer: RECURRENCE_APP_ID,
    topic: topics.taskEvents,
    // One subscription per topic (Dapr serves one): lifecycle events keep the on-schedule jobs.
    types: ['task.completed', 'task.created', 'task.updated', 'task.deleted'],
    handler: async (event) => {
      if (event.event_type !== 'task.completed') {
        await syncOccurrenceJob(deps.jobs, event);
        return success;
      }
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
  return {
    appId: RECURRENCE_APP_ID,
    routes: new Elysia(),
    subscriptions: [completed],
    onJob: (_name, data) => fireOccurrenceJob(onSchedule, data),
    bindings: {
      'recurrence-sweep': {
        handler: async () => {
          await occurrenceSweep(onSchedule, { graceMs: deps.sweepGraceMs });
        },
        embeddedEveryMs: deps.sweepEveryMs ?? 60_000,
      },
    },
  };
}
