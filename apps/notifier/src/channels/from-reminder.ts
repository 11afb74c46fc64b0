import type { EventOf } from '@tasktide/events';
import type { Notification } from './channel.ts';

function describeDue(event: EventOf<'reminder.due'>): string {
  const minutes = event.payload.offset_minutes;
  const when =
    minutes === 0
      ? 'now'
      : minutes % 1440 === 0
        ? `in ${minutes / 1440} day(s)`
        : minutes % 60 === 0
          ? `in ${minutes / 60} hour(s)`
          : `in ${minutes} minute(s)`;
  return `"${event.payload.title}" is due ${when} (${event.payload.due_at})${event.payload.late ? ' — sent late' : ''}`;
}

/** What a reminder.due event tells the user. */
export function notificationFromReminder(event: EventOf<'reminder.due'>): Notification {
  return {
    id: Bun.randomUUIDv7(),
    userId: event.user_id,
    taskId: event.payload.task_id,
    kind: 'reminder',
    title: `Reminder: ${event.payload.title}`,
    body: describeDue(event),
    sourceEventId: event.event_id,
    causeType: event.event_type,
    correlationId: event.correlation_id,
    traceparent: event.traceparent,
    reminder: {
      remind_at: event.payload.reminder_time,
      due_at: event.payload.due_at,
      offset_minutes: event.payload.offset_minutes,
      sent_at: event.payload.fired_at,
      late: event.payload.late,
    },
    data: event.payload,
    urgent: event.payload.priority === 'high',
  };
}
