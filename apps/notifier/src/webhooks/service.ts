import type { Db } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, desc, eq } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { webhookDeliveries, webhooks } from '../db/schema.ts';
import { DEFAULT_WEBHOOK_KINDS, type Kind } from '../preferences/model.ts';
import { isPublicAddress } from './egress.ts';
import type { Delivery, Webhook } from './model.ts';
import { webhookSecret } from './sign.ts';

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const toWebhook = (r: WebhookRow): typeof Webhook.static => ({
  id: r.id,
  url: r.url,
  description: r.description,
  active: r.active,
  kinds: r.kinds as Kind[],
  created_at: r.createdAt.toISOString(),
});

export const toDelivery = (r: DeliveryRow): typeof Delivery.static => ({
  id: r.id,
  webhook_id: r.webhookId,
  event_id: r.eventId,
  event_type: r.eventType,
  status: r.status,
  attempts: r.attempts,
  next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  last_status: r.lastStatus,
  last_error: r.lastError,
  created_at: r.createdAt.toISOString(),
  delivered_at: r.deliveredAt?.toISOString() ?? null,
});

/**
 * Webhook URLs must be https and name a public host; plain http and private/loopback hosts are
 * allowed only when `allowPrivate` is set (development and tests). This is the early, friendly
 * check; the one that protects is at delivery time (egress.ts), after resolving the name.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', '/url: is not a URL', {
      errors: [{ field: '/url', message: 'is not a URL' }],
    });
  }
  const fail = (message: string) =>
    new AppError('validation_failed', `/url: ${message}`, { errors: [{ field: '/url', message }] });
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw fail('must use https');
  const name = url.hostname.replace(/^\[|\]$/g, '');
  const literal = ipaddr.isValid(name);
  if (!allowPrivate && (literal ? !isPublicAddress(name) : /(^|\.)(localhost|local|internal|svc)\.?$/i.test(name))) {
    throw fail('must not point at a private, loopback or cluster address');
  }
  if (url.username || url.password) throw fail('must not carry credentials');
  return url.toString();
}

export async function createWebhook(
  db: Db,
  deps: { masterKey: string; allowPrivate: boolean },
  userId: string,
  input: { url: string; description?: string; kinds?: Kind[] },
) {
  const url = checkWebhookUrl(input.url, deps.allowPrivate);
  const [row] = await db
    .insert(webhooks)
    .values({
      id: Bun.randomUUIDv7(),
      userId,
      url,
      description: input.description ?? '',
      kinds: input.kinds ?? DEFAULT_WEBHOOK_KINDS,
    })
    .returning();
  const hook = row as WebhookRow;
  return { ...toWebhook(hook), secret: webhookSecret(deps.masterKey, hook.id) };
}

export async function listWebhooks(db: Db, userId: string) {
  const rows = await db.select().from(webhooks).where(eq(webhooks.userId, userId)).orderBy(desc(webhooks.createdAt));
  return rows.map(toWebhook);
}

export async function deleteWebhook(db: Db, userId: string, id: string) {
  const rows = await db
    .update(webhooks)
    .set({ active: false })
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId), eq(webhooks.active, true)))
    .returning({ id: webhooks.id });
  if (!rows.length) throw new AppError('not_found', 'No such webhook');
}

export async function listDeliveries(db: Db, userId: string, webhookId: string) {
  const [hook] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.userId, userId)));
  if (!hook) throw new AppError('not_found', 'No such webhook');
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(100);
  return rows.map(toDelivery);
}

/** Queues a delivery again (same delivery id, so a receiver that got it before can dedupe). */
export async function redeliver(db: Db, userId: string, deliveryId: string) {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: new Date() })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.userId, userId)))
    .returning();
  if (!row) throw new AppError('not_found', 'No such delivery');
  return toDelivery(row);
}

/**
 * Queues a test delivery (type `webhook.test`) to an active webhook: the receiver sees exactly what
 * a real one looks like (signature, headers), and the delivery log shows how it went.
 */
export async function queueTestDelivery(db: Db, userId: string, webhookId: string, now = new Date()) {
  const [hook] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.userId, userId), eq(webhooks.active, true)));
  if (!hook) throw new AppError('not_found', 'No such webhook');
  const id = Bun.randomUUIDv7();
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      id,
      webhookId,
      userId,
      eventId: Bun.randomUUIDv7(),
      eventType: 'webhook.test',
      payload: {
        type: 'webhook.test',
        notification_id: null,
        title: 'Test delivery',
        body: 'tasktide sent this to check your endpoint; no task changed.',
        data: { webhook_id: webhookId, sent_at: now.toISOString() },
      },
    })
    .returning();
  return toDelivery(row as DeliveryRow);
}
