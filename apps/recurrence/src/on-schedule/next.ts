import type { TaskSnapshot } from '@tasktide/events';
import { nextOccurrence } from '@tasktide/recurrence-rules';

type Snapshot = typeof TaskSnapshot.static;

/** True for an occurrence whose series gets its next one when its due time passes. */
export function recursOnSchedule(task: Snapshot): task is Snapshot & { recurrence: string; due_at: string } {
  return task.recurrence_mode === 'on_schedule' && task.recurrence !== null && task.due_at !== null;
}

/**
 * The due instant of the occurrence that follows an elapsed one on schedule, or null when the
 * series has ended (COUNT/UNTIL).
 *
 * Catch-up rule: the first slot strictly after `now`, not the slot right after the elapsed one.
 * When the job fires on time the two are the same; after downtime (recurrence service, scheduler or
 * api down for days) the series resumes with one occurrence for the next future slot instead of one
 * per missed period — a backlog of stale "water the plants" tasks helps nobody, and it is the rule a
 * late completion already follows (`nextDueAfterCompletion`). The elapsed occurrence itself stays
 * open, so the user still sees what was missed.
 */
export function nextDueOnSchedule(task: Snapshot, now: Date): Date | null {
  if (!recursOnSchedule(task)) return null;
  return nextOccurrence({
    rule: task.recurrence,
    dueAt: new Date(task.due_at),
    timezone: task.timezone,
    after: now,
    occurrenceIndex: task.occurrence_index ?? 0,
    seriesStart: task.series_start ? new Date(task.series_start) : undefined,
  });
}
