import type { Db, Tx } from '@tasktide/db';
import { createEvent, type EventOf } from '@tasktide/events';
import { writeEvents } from '@tasktide/outbox';
import { AppError } from '@tasktide/service-kit';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { notifications, outbox, webhookDeliveries, webhooks } from '../db/schema.ts';
import type { Notification } from './model.ts';

type Row = typeof notifications.$inferSelect;

function toDto(row: Row): typeof Notification.static {
  return {
    id: row.id,
    task_id: row.taskId,
    kind: row.kind,
    title: row.title,
    body: row.body,
    read_at: row.readAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    reminder: row.reminder ?? null,
  };
}

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

/**
 * The effect of a reminder.due event, inside the consumer's ledger transaction: the inbox entry,
 * one pending delivery per active webhook of the user, and notification.created for live clients.
 */
export async function recordReminderDue(tx: Tx, event: EventOf<'reminder.due'>): Promise<void> {
  const id = Bun.randomUUIDv7();
  const title = `Reminder: ${event.payload.title}`;
  const body = describeDue(event);
  await tx.insert(notifications).values({
    id,
    userId: event.user_id,
    taskId: event.payload.task_id,
    kind: 'reminder',
    title,
    body,
    sourceEventId: event.event_id,
    reminder: {
      remind_at: event.payload.reminder_time,
      due_at: event.payload.due_at,
      offset_minutes: event.payload.offset_minutes,
      sent_at: event.payload.fired_at,
      late: event.payload.late,
    },
  });
  const hooks = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.userId, event.user_id), eq(webhooks.active, true)));
  if (hooks.length) {
    await tx.insert(webhookDeliveries).values(
      hooks.map((h) => ({
        id: Bun.randomUUIDv7(),
        webhookId: h.id,
        userId: event.user_id,
        eventId: event.event_id,
        eventType: event.event_type,
        payload: { type: event.event_type, notification_id: id, title, body, data: event.payload },
      })),
    );
  }
  await writeEvents(tx, outbox, [
    createEvent(
      'notification.created',
      { notification_id: id, task_id: event.payload.task_id, kind: 'reminder', title, body },
      { userId: event.user_id, correlationId: event.correlation_id, traceparent: event.traceparent },
    ),
  ]);
}

export async function listNotifications(
  db: Db,
  userId: string,
  q: { unread?: boolean; limit?: string; cursor?: string },
) {
  const limit = q.limit ? Number(q.limit) : 50;
  const where = [eq(notifications.userId, userId)];
  if (q.unread) where.push(isNull(notifications.readAt));
  if (q.cursor) {
    // Newest first; ids are UUIDv7 (time-ordered), so the id alone is a stable cursor.
    if (!/^[0-9a-f-]{36}$/.test(q.cursor)) {
      throw new AppError('validation_failed', '/cursor: is not a cursor this API issued', {
        errors: [{ field: '/cursor', message: 'is not a cursor this API issued' }],
      });
    }
    where.push(lt(notifications.id, q.cursor));
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return {
    items: page.map(toDto),
    next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    unread_count: count?.n ?? 0,
  };
}

export async function markRead(db: Db, userId: string, id: string) {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  if (!row) throw new AppError('not_found', 'No such notification');
  return toDto(row);
}

export async function markAllRead(db: Db, userId: string) {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), or(isNull(notifications.readAt))))
    .returning({ id: notifications.id });
  return { marked: rows.length };
}
