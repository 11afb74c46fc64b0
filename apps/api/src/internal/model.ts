import { t } from 'elysia';

export const NextOccurrenceBody = t.Object({
  /** The task.completed event this occurrence follows from: the idempotency key. */
  source_event_id: t.String({ format: 'uuid' }),
  user_id: t.String({ format: 'uuid' }),
  due_at: t.String({ format: 'date-time' }),
  /** completed_at of that event: a completion taken back or superseded since creates nothing. */
  completed_at: t.Optional(t.String({ format: 'date-time' })),
});

export const ResolveTokenBody = t.Object({ token: t.String({ minLength: 1, maxLength: 4096 }) });
export const UserQuery = t.Object({ user_id: t.String({ format: 'uuid' }) });
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) });

export const ScheduledOccurrenceBody = t.Object({
  user_id: t.String({ format: 'uuid' }),
  /** The next slot, computed by the recurrence service (catch-up: the first one after now). */
  due_at: t.String({ format: 'date-time' }),
});

export const ElapsedQuery = t.Object({
  before: t.String({ format: 'date-time' }),
  /** Keyset cursor: the due_at and id of the last occurrence of the previous page. */
  after_due_at: t.Optional(t.String({ format: 'date-time' })),
  after_id: t.Optional(t.String({ format: 'uuid' })),
  limit: t.Optional(t.Numeric({ minimum: 1, maximum: 500 })),
});
