import type { TaskSnapshot } from '@tasktide/events';
import type { TaskRow } from '../db/schema.ts';
import type { TaskDto } from './model.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A task row as read for display: the search columns are the database's business. */
export type ListedTaskRow = Omit<TaskRow, 'search' | 'searchText'>;

export function toTaskDto(row: ListedTaskRow): TaskDto {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    tags: row.tags,
    due_at: iso(row.dueAt),
    timezone: row.timezone,
    reminders: row.reminders,
    recurrence: row.recurrence,
    recurrence_mode: row.recurrenceMode,
    status: row.status,
    completed_at: iso(row.completedAt),
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
    due_at: iso(row.dueAt),
    timezone: row.timezone,
    reminders: row.reminders,
    recurrence: row.recurrence,
    recurrence_mode: row.recurrenceMode,
    status: row.status,
    completed_at: iso(row.completedAt),
    series_id: row.seriesId,
    parent_id: row.parentId,
    version: row.version,
    series_start: iso(row.seriesStart),
    occurrence_index: row.occurrenceIndex,
    project_id: row.projectId,
    assignee_id: row.assigneeId,
  };
}
