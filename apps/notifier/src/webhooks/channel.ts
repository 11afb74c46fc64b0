import { and, eq, inArray } from 'drizzle-orm';
import type { NotificationChannel } from '../channels/channel.ts';
import { webhookDeliveries, webhooks } from '../db/schema.ts';
import type { createWebhookSender } from './sender.ts';

/**
 * Signed webhooks: one pending delivery per active webhook the route names (those that take the
 * notification's kind), recorded in the transaction; the sender POSTs them after commit
 * (Standard Webhooks signatures, retries).
 */
export function webhookChannel(sender: ReturnType<typeof createWebhookSender>): NotificationChannel {
  return {
    name: 'webhooks',
    async record(tx, n, route) {
      if (!route.webhookIds.length) return;
      const hooks = await tx
        .select({ id: webhooks.id })
        .from(webhooks)
        .where(and(eq(webhooks.userId, n.userId), eq(webhooks.active, true), inArray(webhooks.id, route.webhookIds)));
      if (!hooks.length) return;
      await tx.insert(webhookDeliveries).values(
        hooks.map((h) => ({
          id: Bun.randomUUIDv7(),
          webhookId: h.id,
          userId: n.userId,
          eventId: n.sourceEventId,
          eventType: n.causeType,
          payload: {
            type: n.causeType,
            kind: n.kind,
            notification_id: n.id,
            title: n.title,
            body: n.body,
            data: n.data,
          },
        })),
      );
    },
    notify: () => sender.notify(),
    start: () => sender.start(),
    stop: () => sender.stop(),
  };
}
