import type { Db } from '@tasktide/db';
import { createEvent } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { and, eq } from 'drizzle-orm';
import { outbox, webhookDeliveries } from '../db/schema.ts';

type Delivery = typeof webhookDeliveries.$inferSelect;

/**
 * Gives a delivery up: marks it failed and writes notification.failed to the outbox in one
 * transaction, so the audit log records every failed notification exactly once — only the update
 * that moves the row out of `pending` writes the event (a second sender replica whose lease ran
 * out finds nothing to move). Returns whether it wrote one.
 */
export async function markFailed(
  db: Db,
  d: Pick<Delivery, 'id' | 'webhookId' | 'userId' | 'eventId' | 'eventType' | 'payload' | 'attempts'> & {
    lastStatus: number | null;
    lastError: string;
    nextAttemptAt: Date;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(webhookDeliveries)
      .set({
        status: 'failed',
        attempts: d.attempts,
        lastStatus: d.lastStatus,
        lastError: d.lastError,
        nextAttemptAt: d.nextAttemptAt,
      })
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'pending')))
      .returning({ id: webhookDeliveries.id });
    if (!moved) return false;
    const payload = d.payload as { notification_id: string; kind: string };
    await writeEvents(tx, outbox, [
      createEvent(
        'notification.failed',
        {
          notification_id: payload.notification_id,
          channel: 'webhook',
          delivery_id: d.id,
          target_id: d.webhookId,
          kind: payload.kind,
          source_event_id: d.eventId,
          attempts: d.attempts,
          last_status: d.lastStatus,
          reason: d.lastError,
          failed_at: new Date().toISOString(),
        },
        // The cause's event id correlates the failure with the reminder (or change) behind it.
        { userId: d.userId, correlationId: d.eventId },
      ),
    ]);
    return true;
  });
}
