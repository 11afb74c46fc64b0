import type { Db } from '@tasktide/db';
import { backoffDelay, type Logger } from '@tasktide/service-kit';
import { eq, inArray, sql } from 'drizzle-orm';
import { Counter, type Registry } from 'prom-client';
import { webhookAttempts, webhookDeliveries, webhooks } from '../db/schema.ts';
import { deliveryTarget, publicReason, type Resolve } from './egress.ts';
import { markFailed } from './failed.ts';
import { signDelivery, webhookSecret } from './sign.ts';

export interface SenderOptions {
  db: Db;
  masterKey: string;
  log?: Logger;
  registry?: Registry;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  pollMs?: number;
  batch?: number;
  /** Development and tests only: deliver to private and loopback addresses and over http. */
  allowPrivate?: boolean;
  /** Name resolution (DNS by default); tests pass a table. */
  resolve?: Resolve;
  /** Wakes the outbox relay after a notification.failed commit. */
  onOutboxWrite?: () => void;
}

/**
 * Sends pending webhook deliveries. Each batch is claimed by pushing its next_attempt_at forward
 * (a lease: another replica or a crash just retries later), POSTed with Standard Webhooks
 * signatures, and every attempt is logged. Failures back off exponentially; after maxAttempts the
 * delivery is marked failed, with a notification.failed event for the audit log in the same
 * transaction (markFailed); it can be redelivered through the API. Receivers dedupe on webhook-id.
 */
export function createWebhookSender({
  db,
  masterKey,
  log,
  registry,
  maxAttempts = 8,
  backoffMs = 5_000,
  maxBackoffMs = 3_600_000,
  timeoutMs = 10_000,
  pollMs = 1_000,
  batch = 20,
  allowPrivate = false,
  resolve,
  onOutboxWrite,
}: SenderOptions) {
  const outcomes = new Counter({
    name: 'tasktide_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (succeeded, retry, failed)',
    labelNames: ['outcome'] as const,
    registers: registry ? [registry] : [],
  });
  let stopped = true;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function sendOnce(): Promise<number> {
    const leaseUntil = new Date(Date.now() + timeoutMs * 3);
    const claimed = await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: leaseUntil })
      .where(
        inArray(
          webhookDeliveries.id,
          sql`(select id from ${webhookDeliveries} where status = 'pending' and next_attempt_at <= now() order by next_attempt_at limit ${batch} for update skip locked)`,
        ),
      )
      .returning();
    await Promise.all(
      claimed.map(async (delivery) => {
        const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId));
        if (!hook?.active) {
          await db
            .update(webhookDeliveries)
            .set({ status: 'failed', lastError: 'webhook deleted' })
            .where(eq(webhookDeliveries.id, delivery.id));
          return;
        }
        const body = JSON.stringify(delivery.payload);
        const started = performance.now();
        let status: number | null = null;
        let error: string | null = null;
        try {
          const target = await deliveryTarget(hook.url, { allowPrivate, resolve });
          const res = await fetch(target.url, {
            method: 'POST',
            headers: {
              host: target.host,
              'content-type': 'application/json',
              'user-agent': 'tasktide-webhooks/1',
              ...signDelivery(webhookSecret(masterKey, hook.id), delivery.id, body),
            },
            body,
            // A redirect is an answer, not an instruction: following it could lead anywhere.
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs),
            ...(target.tls ? { tls: target.tls } : {}),
          } as RequestInit);
          status = res.status;
          await res.body?.cancel();
          if (!res.ok) error = `receiver answered ${res.status}`;
        } catch (err) {
          error = publicReason(err);
          log?.debug({ err, delivery_id: delivery.id }, 'webhook delivery error');
        }
        const attempts = delivery.attempts + 1;
        await db.insert(webhookAttempts).values({
          id: Bun.randomUUIDv7(),
          deliveryId: delivery.id,
          statusCode: status,
          error,
          durationMs: Math.round(performance.now() - started),
        });
        if (!error) {
          outcomes.inc({ outcome: 'succeeded' });
          await db
            .update(webhookDeliveries)
            .set({ status: 'succeeded', attempts, lastStatus: status, lastError: null, deliveredAt: new Date() })
            .where(eq(webhookDeliveries.id, delivery.id));
          return;
        }
        const giveUp = attempts >= maxAttempts;
        outcomes.inc({ outcome: giveUp ? 'failed' : 'retry' });
        const delay = backoffDelay(attempts, backoffMs, maxBackoffMs);
        const update = {
          attempts,
          lastStatus: status,
          lastError: error,
          nextAttemptAt: new Date(Date.now() + delay),
        };
        if (giveUp) {
          if (await markFailed(db, { ...delivery, ...update, lastError: error })) onOutboxWrite?.();
        } else {
          await db
            .update(webhookDeliveries)
            .set({ status: 'pending', ...update })
            .where(eq(webhookDeliveries.id, delivery.id));
        }
        log?.warn({ delivery_id: delivery.id, attempts, status, error, give_up: giveUp }, 'webhook delivery failed');
      }),
    );
    return claimed.length;
  }

  async function run() {
    while (!stopped) {
      let n = 0;
      try {
        n = await sendOnce();
      } catch (err) {
        log?.error({ err }, 'webhook sender failed');
      }
      if (n === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  return {
    sendOnce,
    notify: () => wake?.(),
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
