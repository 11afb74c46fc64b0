import type { Db } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, asc, desc, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import type { ChainReport } from '../chain/verify.ts';
import { type AuditEventRow, events } from '../db/schema.ts';
import type { AuditEventDto, AuditEventsQuery, ChainReportDto } from './model.ts';

type Order = 'asc' | 'desc';

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, { errors: [{ field, message }] });

/** A user's log pages by chain position (`s`); a project's log by event id (`e`, UUIDv7: time-ordered). */
type Cursor = { o: Order; s: number } | { o: Order; e: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor<K extends 's' | 'e'>(raw: string, order: Order, key: K): K extends 's' ? number : string {
  let cursor: { o?: unknown; s?: unknown; e?: unknown };
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString());
  } catch {
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
  const value = cursor?.[key];
  const valid =
    key === 's'
      ? typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      : typeof value === 'string' && UUID.test(value);
  if (!valid || !['asc', 'desc'].includes(cursor.o as string)) {
    throw invalid('/cursor', 'is not a cursor this API issued');
  }
  if (cursor.o !== order) throw invalid('/cursor', 'the cursor belongs to a different order');
  return value as K extends 's' ? number : string;
}

export function toAuditEventDto(row: AuditEventRow): AuditEventDto {
  return {
    seq: row.seq,
    event_id: row.eventId,
    event_type: row.eventType,
    user_id: row.userId,
    task_id: row.taskId,
    project_id: row.projectId,
    occurred_at: row.occurredAt.toISOString(),
    recorded_at: row.recordedAt.toISOString(),
    correlation_id: row.correlationId,
    envelope: row.envelope as Record<string, unknown>,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * One page of the caller's log, filtered by task, type and time. Ordered by the position in the
 * user's chain (a total, stable order: new rows only ever get higher positions), so pages never
 * skip or repeat rows while events keep arriving.
 */
export async function listAuditEvents(db: Db, userId: string, query: AuditEventsQuery) {
  const order: Order = query.order ?? 'desc';
  const limit = query.limit ? Number(query.limit) : 50;
  const where = filters(query);
  where.push(eq(events.userId, userId));
  if (query.cursor) {
    const seq = decodeCursor(query.cursor, order, 's');
    where.push(order === 'desc' ? lt(events.seq, seq) : gt(events.seq, seq));
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(order === 'desc' ? desc(events.seq) : asc(events.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toAuditEventDto),
    next_cursor: rows.length > limit && last ? encodeCursor({ o: order, s: last.seq }) : null,
  };
}

/**
 * One page of a project's log: every member's events about it, by event id (time-ordered v7 ids:
 * there is no chain across users), on the `(project_id, event_id)` index. The caller must have
 * been found allowed first (`project.read`).
 */
export async function listProjectAuditEvents(db: Db, projectId: string, query: AuditEventsQuery) {
  const order: Order = query.order ?? 'desc';
  const limit = query.limit ? Number(query.limit) : 50;
  const where = filters(query);
  where.push(eq(events.projectId, projectId));
  if (query.cursor) {
    const id = decodeCursor(query.cursor, order, 'e');
    where.push(order === 'desc' ? lt(events.eventId, id) : gt(events.eventId, id));
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(order === 'desc' ? desc(events.eventId) : asc(events.eventId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toAuditEventDto),
    next_cursor: rows.length > limit && last ? encodeCursor({ o: order, e: last.eventId }) : null,
  };
}

function filters(query: AuditEventsQuery): SQL[] {
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from >= to) throw invalid('/to', 'must be later than from');
  const where: SQL[] = [];
  if (query.task_id) where.push(eq(events.taskId, query.task_id));
  if (query.type) where.push(eq(events.eventType, query.type));
  if (from) where.push(gte(events.occurredAt, from));
  if (to) where.push(lt(events.occurredAt, to));
  return where;
}

export function toChainReportDto(report: ChainReport): ChainReportDto {
  const b = report.firstBroken;
  return {
    ok: report.ok,
    rows_checked: report.rowsChecked,
    head: report.head,
    first_broken: b ? { seq: b.seq, event_id: b.eventId, reason: b.reason, detail: b.detail } : null,
  };
}
