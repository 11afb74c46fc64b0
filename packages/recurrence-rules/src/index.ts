/**
 * @tasktide/recurrence-rules — the pure RRULE engine: validation, next occurrence, preview and description,
 * evaluated in the series' IANA time zone independently of the process TZ.
 */
export { describeRecurrence } from './describe.ts';
export { type NormalizeResult, normalizeRecurrence, PRESETS, type Preset } from './normalize.ts';
export { MAX_PREVIEW, nextOccurrence, previewOccurrences, type SeriesPosition } from './occurrences.ts';
export { parseRecurrence, type RecurrenceRule } from './rule.ts';
export { isTimeZone } from './zone.ts';
