import { MAX_PREVIEW } from '@tasktide/recurrence-rules';
import { t } from 'elysia';

export const PreviewBody = t.Object({
  recurrence: t.String({
    minLength: 1,
    maxLength: 1000,
    description: 'daily | weekly | monthly | yearly, or an RFC 5545 RRULE, as a task takes it',
  }),
  due_at: t.String({ format: 'date-time', description: 'The first due date, with an offset' }),
  timezone: t.Optional(t.String({ minLength: 1, maxLength: 64, description: "IANA zone; defaults to the user's" })),
  count: t.Optional(t.Integer({ minimum: 1, maximum: Math.min(MAX_PREVIEW, 20), default: 5 })),
});

export const Preview = t.Object({
  recurrence: t.String({ description: 'The rule as it would be stored' }),
  description: t.String({ description: 'The rule in words' }),
  occurrences: t.Array(t.String({ format: 'date-time' }), {
    description: 'Due dates from due_at on, with the offset of the zone',
  }),
});

export type PreviewInput = typeof PreviewBody.static;
export type PreviewDto = typeof Preview.static;
