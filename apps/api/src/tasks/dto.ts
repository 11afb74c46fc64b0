import type { TaskSnapshot } from '@tasktide/events';
import { type TaskRow, tasks } from '../db/schema.ts';
import type { TaskDto } from './model.ts';

/** RFC 3339 of a timestamp column, Date (drizzle, PGlite) or Postgres text alike (see timestampIso). */

/** A task row as read for display: the search columns are the database's business. */
export type ListedTaskRow = Omit<TaskRow, 'search' | 'searchText'>;

export function toTaskDto(row: ListedTaskRow): TaskDto {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    tags: row.tags,
    due_at: isoOrNull(row.dueAt),
    timezone: row.timezone,
    reminders: row.reminders,
    recurrence: row.recurrence,
    recurrence_mode: row.recurrenceMode,
    status: row.status,
    completed_at: isoOrNull(row.completedAt),
    series_id: row.seriesId,
    parent_id: row.parentId,
    project_id: row.projectId,
    assignee_id: row.assigneeId,
    version: row.version,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The task as events carry it. */
export function toSnapshot(row: TaskRow): typeof TaskSnapshot.static {
  return {
    task_id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    tags: row.tags,
    due_at: isoOrNull(row.dueAt),
    timezone: row.timezone,
    reminders: row.reminders,
    recurrence: row.recurrence,
    recurrence_mode: row.recurrenceMode,
    status: row.status,
    completed_at: isoOrNull(row.completedAt),
    series_id: row.seriesId,
    parent_id: row.parentId,
    version: row.version,
    series_start: isoOrNull(row.seriesStart),
    occurrence_index: row.occurrenceIndex,
    project_id: row.projectId,
    assignee_id: row.assigneeId,
  };
}

/** The columns a list page reads: the task as shown, nothing the database keeps for itself. */
export const listedColumns = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  priority: tasks.priority,
  tags: tasks.tags,
  due_at: tasks.dueAt,
  timezone: tasks.timezone,
  reminders: tasks.reminders,
  recurrence: tasks.recurrence,
  recurrence_mode: tasks.recurrenceMode,
  status: tasks.status,
  completed_at: tasks.completedAt,
  series_id: tasks.seriesId,
  parent_id: tasks.parentId,
  project_id: tasks.projectId,
  assignee_id: tasks.assigneeId,
  version: tasks.version,
  created_at: tasks.createdAt,
  updated_at: tasks.updatedAt,
};

type Timestamp = string | Date;

/**
 * A row of the list statement as the driver returns it (list.ts runs it without drizzle's row
 * mapping): column names as selected, timestamps as Postgres text (postgres.js) or Dates (PGlite).
 */
export interface ListedRow {
  id: string;
  title: string;
  description: string;
  priority: TaskDto['priority'];
  tags: string[];
  due_at: Timestamp | null;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  recurrence_mode: TaskDto['recurrence_mode'];
  status: TaskDto['status'];
  completed_at: Timestamp | null;
  series_id: string | null;
  parent_id: string | null;
  project_id: string;
  assignee_id: string | null;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The search relevance when the sort uses it, else 0. */
  rank: number;
}

/** `2030-01-01 08:00:00.12+00`: how Postgres prints a timestamptz in a UTC session (ISO DateStyle). */
const utcText = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * RFC 3339 (`toISOString` form) of a timestamp as Postgres prints it or as a Date (PGlite). The
 * usual case — a UTC session, four-digit year — is rewritten as text (milliseconds kept, like
 * a Date); anything else is parsed after making it strict ISO: JavaScript's lenient parser reads
 * `0099-…` as 1999. A page of 50 tasks has 200 timestamps; parsing each into a Date and printing
 * it again was ~8 % of a search's CPU.
 */
export function timestampIso(value: Timestamp): string {
  if (value instanceof Date) return value.toISOString();
  const utc = utcText.exec(value);
  if (utc) return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  const strict = value.replace(' ', 'T');
  return new Date(/[+-]\d\d$/.test(strict) ? `${strict}:00` : strict).toISOString();
}

/** RFC 3339 of a timestamp column, a Date (drizzle, PGlite) or Postgres text alike. */
const isoOrNull = (value: Timestamp | null) => (value === null ? null : timestampIso(value));

export function listedTaskDto(row: ListedRow): TaskDto {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    tags: row.tags,
    due_at: isoOrNull(row.due_at),
    timezone: row.timezone,
    reminders: row.reminders,
    recurrence: row.recurrence,
    recurrence_mode: row.recurrence_mode,
    status: row.status,
    completed_at: isoOrNull(row.completed_at),
    series_id: row.series_id,
    parent_id: row.parent_id,
    project_id: row.project_id,
    assignee_id: row.assignee_id,
    version: row.version,
    created_at: timestampIso(row.created_at),
    updated_at: timestampIso(row.updated_at),
  };
}
