import type { Db } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { notifications } from '../db/schema.ts';
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
