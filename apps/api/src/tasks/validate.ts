import { isTimeZone as isValidTimeZone, normalizeRecurrence } from '@tasktide/recurrence-rules';
import { AppError, type FieldError } from '@tasktide/service-kit';

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** The fields a task ends up with after create/patch, checked together (cross-field rules). */
export interface TaskFields {
  title: string;
  description: string;
  priority: 'none' | 'low' | 'medium' | 'high';
  tags: string[];
  dueAt: Date | null;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  recurrenceMode: 'on_completion' | 'on_schedule';
}

export function parseDueAt(value: string | null | undefined, errors: FieldError[]): Date | null | undefined {
  if (value === undefined || value === null) return value;
  if (!OFFSET.test(value)) {
    errors.push({ field: '/due_at', message: 'must include a UTC offset or Z, e.g. 2026-12-01T09:00:00+01:00' });
    return undefined;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) errors.push({ field: '/due_at', message: 'is not a valid date-time' });
  else if (date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 9999) {
    errors.push({ field: '/due_at', message: 'must be between the years 1900 and 9999' });
  }
  return date;
}

/** Lower-cases, trims and de-duplicates tags, keeping first-seen order. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

/** Applies the cross-field rules and canonical forms; throws validation_failed naming each field. */
export function finalizeFields(fields: TaskFields, errors: FieldError[] = []): TaskFields {
  const out = { ...fields, title: fields.title.trim(), tags: normalizeTags(fields.tags) };
  if (!out.title) errors.push({ field: '/title', message: 'must not be blank' });
  if (!isValidTimeZone(out.timezone))
    errors.push({ field: '/timezone', message: `unknown IANA time zone "${out.timezone}"` });
  out.reminders = [...new Set(out.reminders)].sort((a, b) => b - a);
  if (out.reminders.length && !out.dueAt)
    errors.push({ field: '/reminders', message: 'reminders need a due date (due_at)' });
  if (out.recurrence !== null) {
    if (!out.dueAt) errors.push({ field: '/recurrence', message: 'a recurring task needs a due date (due_at)' });
    const normalized = normalizeRecurrence(out.recurrence);
    if (normalized.ok) out.recurrence = normalized.rule;
    else errors.push({ field: '/recurrence', message: normalized.message });
  }
  if (errors.length) {
    throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
  return out;
}
