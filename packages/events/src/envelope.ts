import { type Static, type TSchema, t } from 'elysia';

/** Topics of the event backbone. Every topic has a `<topic>-dlq` twin for poison messages. */
export const topics = {
  taskEvents: 'task-events',
  reminders: 'reminders',
  taskUpdates: 'task-updates',
} as const;
export type Topic = (typeof topics)[keyof typeof topics];
export const deadLetterTopic = (topic: Topic | string) => `${topic}-dlq`;
export const allTopics: Topic[] = Object.values(topics);

/** Partitions per topic (created explicitly; Dapr never creates topics). */
export const topicPartitions: Record<Topic, number> = {
  'task-events': 3,
  reminders: 1,
  'task-updates': 3,
};

const day = 24 * 60 * 60 * 1000;
/**
 * How long Kafka keeps each topic (`retention.ms`), for the clusters' topic job and the local stack.
 * `task-events` and `reminders` keep 30 days (the specs' replay window: a consumer that was down or
 * is rebuilt can catch up, and the audit trail can be re-derived). `task-updates` feeds only realtime
 * catch-up — a socket resumes from the last event id it saw, and anything older than the resume
 * buffer means a full reload anyway — so one day is enough and keeps the busiest topic small.
 */
export const topicRetentionMs: Record<Topic, number> = {
  'task-events': 30 * day,
  reminders: 30 * day,
  'task-updates': 1 * day,
};
/** Dead-letter topics keep their messages 14 days: long enough to inspect and redrive after a weekend. */
export const deadLetterRetentionMs = 14 * day;

const Uuid = t.String({ format: 'uuid' });
const DateTime = t.String({ format: 'date-time' });

/**
 * The envelope carried as CloudEvent `data`. `payload` is typed per event type and version.
 */
export function envelopeSchema<Type extends string, Version extends number, P extends TSchema>(
  type: Type,
  version: Version,
  payload: P,
) {
  return t.Object(
    {
      event_id: Uuid,
      event_type: t.Literal(type),
      schema_version: t.Literal(version),
      user_id: Uuid,
      timestamp: DateTime,
      correlation_id: t.String({ minLength: 1, maxLength: 200 }),
      /** W3C traceparent of the request that caused the event, so consumers continue its trace. */
      traceparent: t.Optional(t.String()),
      payload,
    },
    { $id: `${type}/v${version}` },
  );
}

export { DateTime, Uuid };
export type { Static };
