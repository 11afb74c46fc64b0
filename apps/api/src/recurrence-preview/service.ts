import {
  describeRecurrence,
  isTimeZone as isValidTimeZone,
  normalizeRecurrence,
  previewOccurrences,
} from '@tasktide/recurrence-rules';
import { AppError, type FieldError } from '@tasktide/service-kit';
import { formatInZone } from '../tasks/parse/service.ts';
import { parseDueAt } from '../tasks/validate.ts';
import type { PreviewDto, PreviewInput } from './model.ts';

/**
 * The next due dates of a rule from a first due date, as the task would get them — what the web
 * app's rule builder shows while the user edits, computed by the same engine that creates them.
 */
export function previewRecurrence(input: PreviewInput & { timezone: string }): PreviewDto {
  const errors: FieldError[] = [];
  const dueAt = parseDueAt(input.due_at, errors);
  const normalized = normalizeRecurrence(input.recurrence);
  if (!normalized.ok) errors.push({ field: '/recurrence', message: normalized.message });
  if (!isValidTimeZone(input.timezone))
    errors.push({ field: '/timezone', message: `unknown IANA time zone "${input.timezone}"` });
  if (errors.length || !dueAt || !normalized.ok) {
    throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
  const dates = previewOccurrences({ rule: normalized.rule, dueAt, timezone: input.timezone, count: input.count ?? 5 });
  return {
    recurrence: normalized.rule,
    description: describeRecurrence(normalized.rule),
    occurrences: dates.map((d) => formatInZone(d, input.timezone)),
  };
}
