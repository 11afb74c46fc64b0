import type { Executor } from '@tasktide/db';
import { type AnyEvent, topicOf, topics } from '@tasktide/events';
import type { OutboxTables } from './tables.ts';

/** The topics an event is written for: its own, and `task-updates` too for task lifecycle events (realtime). */
export function outboxTopics(event: Pick<AnyEvent, 'event_type'>): string[] {
  const primary = topicOf[event.event_type];
  return event.event_type.startsWith('task.') ? [primary, topics.taskUpdates] : [primary];
}

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when
 * its change committed. Task lifecycle events are also written for `task-updates` (realtime).
 */
export async function writeEvents(tx: Executor, outbox: OutboxTables['outbox'], events: AnyEvent[]): Promise<void> {
  if (!events.length) return;
  const rows = events.flatMap((event) =>
    outboxTopics(event).map((topic) => ({
      eventId: event.event_id,
      topic,
      // The acting user, in shared projects too (why not the project: docs/projects.md).
      partitionKey: event.user_id,
      eventType: event.event_type,
      envelope: event,
    })),
  );
  await tx.insert(outbox).values(rows);
}
