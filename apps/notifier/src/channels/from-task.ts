import type { EventOf } from '@tasktide/events';
import type { Notification } from './channel.ts';

const when = (iso: string, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** An open task's due time passed. */
export function notificationFromOverdue(event: EventOf<'task.overdue'>): Notification {
  const p = event.payload;
  return {
    id: Bun.randomUUIDv7(),
    userId: event.user_id,
    taskId: p.task_id,
    kind: 'overdue',
    title: `Overdue: ${p.title}`,
    body: `"${p.title}" was due ${p.due_at} and is still open${p.late ? ' — sent late' : ''}`,
    sourceEventId: event.event_id,
    causeType: event.event_type,
    correlationId: event.correlation_id,
    traceparent: event.traceparent,
    reminder: null,
    data: p,
    urgent: p.priority === 'high',
  };
}

/**
 * Completing a recurring task created its next occurrence (a task.created with a parent). It is
 * news to the occurrence's assignee, else to the user it was created for.
 */
export function notificationFromOccurrence(event: EventOf<'task.created'>): Notification | null {
  const task = event.payload;
  if (!task.parent_id || !task.due_at) return null;
  return {
    id: Bun.randomUUIDv7(),
    userId: task.assignee_id ?? event.user_id,
    taskId: task.task_id,
    kind: 'next_occurrence',
    title: `Next: ${task.title}`,
    body: `"${task.title}" is due next on ${when(task.due_at, task.timezone)} (${task.timezone})`,
    sourceEventId: event.event_id,
    causeType: 'task.next_occurrence',
    correlationId: event.correlation_id,
    traceparent: event.traceparent,
    reminder: null,
    data: { task_id: task.task_id, parent_id: task.parent_id, series_id: task.series_id, due_at: task.due_at },
    urgent: task.priority === 'high',
  };
}
