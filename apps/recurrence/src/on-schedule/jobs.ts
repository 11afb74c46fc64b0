import type { AnyEvent, TaskSnapshot } from '@tasktide/events';
import type { Invoker, Jobs } from '@tasktide/platform';
import type { Clock, Logger } from '@tasktide/service-kit';
import type { Counter } from 'prom-client';
import { nextDueOnSchedule, recursOnSchedule } from './next.ts';

type Snapshot = typeof TaskSnapshot.static;

export const occurrenceJobName = (taskId: string) => `occurrence-${taskId}`;

export interface OnScheduleDeps {
  invoker: Invoker;
  jobs: Jobs;
  clock: Clock;
  /** Outcomes: created, existing, series_ended, cancelled, rescheduled. */
  outcomes: Counter<'outcome'>;
  log?: Logger;
}

/** Changes after which an occurrence's job must be (re)registered or removed. */
const timingFields = ['due_at', 'recurrence', 'recurrence_mode', 'status'];

/**
 * Keeps one job per occurrence on schedule, due at its due time (overwritten when it moves, removed
 * when the task stops recurring on schedule or is deleted). Jobs are triggers, never the truth: a
 * stale one that fires re-reads the task (`fireOccurrenceJob`), and a lost one is caught up by the
 * sweep, so the order in which these calls land does not matter.
 */
export async function syncOccurrenceJob(jobs: Jobs, event: AnyEvent): Promise<void> {
  let task: Snapshot;
  switch (event.event_type) {
    case 'task.created':
      task = event.payload;
      if (!recursOnSchedule(task)) return;
      break;
    case 'task.updated':
      task = event.payload.task;
      if (!Object.keys(event.payload.changes).some((key) => timingFields.includes(key))) return;
      if (!recursOnSchedule(task)) return jobs.delete(occurrenceJobName(task.task_id));
      break;
    case 'task.deleted':
      if (event.payload.series_id) await jobs.delete(occurrenceJobName(event.payload.task_id));
      return;
    default:
      return;
  }
  await jobs.schedule(occurrenceJobName(task.task_id), {
    dueTime: new Date(task.due_at as string),
    data: { task_id: task.task_id, user_id: event.user_id },
    overwrite: true,
  });
}

/**
 * A job fired: reads the occurrence as it is now and, once its due time has passed, asks the api
 * for the next slot. The api creates it at most once per occurrence (whether this job, the sweep,
 * a redelivery or a completion asks first).
 */
export async function fireOccurrenceJob(deps: OnScheduleDeps, data: Record<string, unknown>): Promise<void> {
  const taskId = data.task_id;
  const userId = data.user_id;
  if (typeof taskId !== 'string' || typeof userId !== 'string') return;
  const res = await deps.invoker.invoke('api', `internal/tasks/${taskId}?user_id=${userId}`);
  if (res.status === 404) return; // deleted meanwhile: its series goes no further from here
  if (!res.ok) throw new Error(`api answered ${res.status} reading task ${taskId}`);
  const task = (await res.json()) as Snapshot;
  if (!recursOnSchedule(task)) return;
  const due = new Date(task.due_at);
  if (due.getTime() > deps.clock.now().getTime()) {
    // The due time moved later since this job was registered: never early, fire again then.
    await deps.jobs.schedule(occurrenceJobName(taskId), {
      dueTime: due,
      data: { task_id: taskId, user_id: userId },
      overwrite: true,
    });
    deps.outcomes.inc({ outcome: 'rescheduled' });
    return;
  }
  await createFollowing(deps, task, userId);
}

/** Asks the api for the occurrence after an elapsed one; retries (throws) only what may succeed later. */
export async function createFollowing(deps: OnScheduleDeps, task: Snapshot, userId: string): Promise<void> {
  const next = nextDueOnSchedule(task, deps.clock.now());
  if (!next) {
    deps.outcomes.inc({ outcome: 'series_ended' });
    return;
  }
  const res = await deps.invoker.invoke('api', `internal/tasks/${task.task_id}/scheduled-occurrence`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId, due_at: next.toISOString() }),
  });
  if (res.status === 201) deps.outcomes.inc({ outcome: 'created' });
  else if (res.status === 200) deps.outcomes.inc({ outcome: 'existing' });
  // Deleted, cancelled, switched to on_completion — or, with clocks apart, not due yet by the api's
  // clock: the sweep asks again after its grace period.
  else if (res.status === 404 || res.status === 409) deps.outcomes.inc({ outcome: 'cancelled' });
  else throw new Error(`api answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  deps.log?.debug({ task_id: task.task_id, next: next.toISOString(), status: res.status }, 'scheduled occurrence');
}
