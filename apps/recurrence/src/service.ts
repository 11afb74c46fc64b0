import type { EventOf } from '@tasktide/events';
import { nextOccurrence } from '@tasktide/recurrence-rules';

type Completed = EventOf<'task.completed'>;

/**
 * When the occurrence after a completed one is due, or null when there is none (not recurring,
 * or COUNT/UNTIL ended the series). Computed from the due date and the completion time carried by
 * the event — not the wall clock — so a redelivery computes the same answer; a late completion
 * skips to the first occurrence after it instead of creating a backlog.
 */
export function nextDueAfterCompletion(event: Completed): Date | null {
  const task = event.payload.task;
  if (!task.recurrence || !task.due_at) return null;
  return nextOccurrence({
    rule: task.recurrence,
    dueAt: new Date(task.due_at),
    timezone: task.timezone,
    after: new Date(event.payload.completed_at),
    occurrenceIndex: task.occurrence_index ?? 0,
    seriesStart: task.series_start ? new Date(task.series_start) : undefined,
  });
}
