import type { Tx } from '@tasktide/db';
import { eq, inArray } from 'drizzle-orm';
import {
  heldNotifications,
  notifications,
  preferences,
  reminders,
  taskOwners,
  webhookAttempts,
  webhookDeliveries,
  webhooks,
} from './db/schema.ts';
import type { JobOps } from './reminders/schedule.ts';

/**
 * The account was deleted: everything the notifier keeps of the user goes — reminders (their jobs
 * are cancelled after commit), the inbox, held notifications, preferences, webhooks with their
 * deliveries and attempts, and the record of which tasks they created.
 */
export async function forgetUser(tx: Tx, userId: string): Promise<JobOps> {
  const gone = await tx.delete(reminders).where(eq(reminders.userId, userId)).returning({ id: reminders.id });
  const deliveries = await tx
    .delete(webhookDeliveries)
    .where(eq(webhookDeliveries.userId, userId))
    .returning({ id: webhookDeliveries.id });
  if (deliveries.length) {
    await tx.delete(webhookAttempts).where(
      inArray(
        webhookAttempts.deliveryId,
        deliveries.map((d) => d.id),
      ),
    );
  }
  await tx.delete(webhooks).where(eq(webhooks.userId, userId));
  await tx.delete(notifications).where(eq(notifications.userId, userId));
  await tx.delete(heldNotifications).where(eq(heldNotifications.userId, userId));
  await tx.delete(preferences).where(eq(preferences.userId, userId));
  await tx.delete(taskOwners).where(eq(taskOwners.ownerId, userId));
  return { register: [], cancel: gone.map((r) => r.id) };
}
