import { afterAll, describe, expect, test } from 'bun:test';
import { useTestDb } from '@tasktide/db/testing';
import { parseEvent } from '@tasktide/events';
import { eventually } from '@tasktide/service-kit/testing';
import { and, eq, sql } from 'drizzle-orm';
import { notifierMigrations } from '../db/migrations.ts';
import { outbox, webhookDeliveries, webhooks } from '../db/schema.ts';
import { markFailed } from './failed.ts';
import { createWebhookSender } from './sender.ts';

// A webhook delivery that gives up leaves exactly one notification.failed in the notifier's
// outbox, written with the failed status (the audit service records what the outbox publishes).
describe('a webhook delivery that exhausts its attempts', () => {
  const db = useTestDb('pglite', { migrations: [notifierMigrations] });
  let hits = 0;
  let failFirst = Number.POSITIVE_INFINITY;
  const receiver = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: () => (++hits <= failFirst ? new Response('nope', { status: 503 }) : new Response('ok')),
  });
  afterAll(() => receiver.stop(true));

  const sender = (onOutboxWrite?: () => void) =>
    createWebhookSender({
      db: db.db,
      masterKey: 'sender-test-master-key-000000000000000',
      maxAttempts: 3,
      backoffMs: 1,
      maxBackoffMs: 1,
      allowPrivate: true,
      onOutboxWrite,
    });

  async function pendingDelivery() {
    const userId = crypto.randomUUID();
    const webhookId = crypto.randomUUID();
    const id = Bun.randomUUIDv7();
    await db.db.insert(webhooks).values({ id: webhookId, userId, url: `http://127.0.0.1:${receiver.port}/hook` });
    await db.db.insert(webhookDeliveries).values({
      id,
      webhookId,
      userId,
      eventId: crypto.randomUUID(),
      eventType: 'reminder.due',
      payload: { type: 'reminder.due', kind: 'reminder', notification_id: crypto.randomUUID(), title: 't', body: 'b' },
    });
    return { id, userId, webhookId };
  }
  const failedEvents = async (deliveryId: string) =>
    db.db
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.eventType, 'notification.failed'),
          sql`${outbox.envelope}->'payload'->>'delivery_id' = ${deliveryId}`,
        ),
      );
  const statusOf = async (id: string) =>
    (await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
  /** Runs the sender until the delivery leaves `pending` (each pass sends what is due). */
  const sendUntilSettled = async (s: ReturnType<typeof sender>, id: string) =>
    eventually('the delivery to settle', async () => {
      await s.sendOnce();
      const row = await statusOf(id);
      return row.status !== 'pending' && row;
    });

  test('writes one valid notification.failed, on the reminders topic, with the failed status', async () => {
    failFirst = Number.POSITIVE_INFINITY;
    hits = 0;
    let woken = 0;
    const s = sender(() => woken++);
    const d = await pendingDelivery();
    const row = await sendUntilSettled(s, d.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 503 });
    expect(hits).toBe(3);
    // More passes find nothing to send and write nothing more.
    for (let i = 0; i < 3; i++) await s.sendOnce();
    const written = await failedEvents(d.id);
    expect(written).toHaveLength(1);
    expect(written[0]!.topic).toBe('reminders');
    const parsed = parseEvent(written[0]!.envelope);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.user_id).toBe(d.userId);
    expect(parsed.event.payload).toMatchObject({
      channel: 'webhook',
      delivery_id: d.id,
      target_id: d.webhookId,
      kind: 'reminder',
      attempts: 3,
      last_status: 503,
      reason: 'receiver answered 503',
    });
    expect(woken).toBe(1);
  });

  test('a delivery that succeeds on a retry writes none', async () => {
    failFirst = 1;
    hits = 0;
    const d = await pendingDelivery();
    expect((await sendUntilSettled(sender(), d.id)).status).toBe('succeeded');
    expect(await failedEvents(d.id)).toHaveLength(0);
  });

  test('giving up a delivery twice (two replicas, an expired lease) records one failure', async () => {
    const d = await pendingDelivery();
    const [row] = await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, d.id));
    const gaveUp = {
      ...row!,
      attempts: 3,
      lastStatus: 503,
      lastError: 'receiver answered 503',
      nextAttemptAt: new Date(),
    };
    expect(await Promise.all([markFailed(db.db, gaveUp), markFailed(db.db, gaveUp)])).toContain(false);
    expect(await failedEvents(d.id)).toHaveLength(1);
  });
});
