import { allTopics } from '@tasktide/events';
import { t } from 'elysia';

const Topic = t.Union(
  allTopics.map((topic) => t.Literal(topic)),
  { description: 'The original topic (not its -dlq twin)' },
);

export const DeadLetter = t.Object({
  id: t.Integer(),
  topic: t.String({ description: 'The dead-letter topic it arrived on' }),
  original_topic: t.String(),
  consumer: t.String({ description: 'The consumer that gave up; unknown when the bus dead-lettered it' }),
  reason: t.String(),
  event_id: t.String(),
  envelope: t.Unknown({ description: 'The original message data, as received' }),
  received_at: t.String({ format: 'date-time' }),
  last_received_at: t.String({ format: 'date-time' }),
  dead_letter_count: t.Integer(),
  redriven_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  redrive_count: t.Integer(),
});

export const ListDeadLettersQuery = t.Object({
  topic: t.Optional(Topic),
  status: t.Optional(
    t.Union([t.Literal('pending'), t.Literal('redriven'), t.Literal('all')], {
      description: 'pending (default): not redriven since it last arrived',
    }),
  ),
  // A pattern rather than t.Integer: Elysia's coerced numeric query params lose their name in errors.
  limit: t.Optional(t.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'Page size 1–100 (default 50)' })),
  cursor: t.Optional(t.String({ maxLength: 100, description: 'next_cursor of the previous page' })),
});

export const DeadLetterPage = t.Object({
  items: t.Array(DeadLetter),
  next_cursor: t.Union([t.String(), t.Null()]),
});

export const DeadLetterParams = t.Object({ id: t.String({ pattern: '^[1-9][0-9]{0,14}$' }) });

export const RedriveTopicBody = t.Object({ topic: Topic });

export const RedriveSummary = t.Object({
  topic: t.String(),
  redriven: t.Integer(),
  published: t.Integer(),
  failed: t.Integer(),
  error: t.Union([t.String(), t.Null()]),
});

export type DeadLetterDto = typeof DeadLetter.static;
export type ListDeadLettersQuery = typeof ListDeadLettersQuery.static;
