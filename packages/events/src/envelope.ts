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
