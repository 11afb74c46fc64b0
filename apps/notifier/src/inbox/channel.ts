import { createEvent } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import type { NotificationChannel } from '../channels/channel.ts';
import { notifications, outbox } from '../db/schema.ts';

/** The in-app inbox: a row per notification, and notification.created for live clients. */
export function inboxChannel(): NotificationChannel {
  return {
    name: 'inbox',
    async record(tx, n, route) {
      if (!route.inApp) return;
      await tx.insert(notifications).values({
        id: n.id,
        userId: n.userId,
        taskId: n.taskId,
        kind: n.kind,
        title: n.title,
        body: n.body,
        sourceEventId: n.sourceEventId,
        reminder: n.reminder,
      });
      await writeEvents(tx, outbox, [
        createEvent(
          'notification.created',
          { notification_id: n.id, task_id: n.taskId, kind: n.kind, title: n.title, body: n.body },
          { userId: n.userId, correlationId: n.correlationId, traceparent: n.traceparent },
        ),
      ]);
    },
  };
}
