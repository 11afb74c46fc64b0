import { t } from 'elysia';

export const Notification = t.Object({
  id: t.String({ format: 'uuid' }),
  task_id: t.Union([t.String({ format: 'uuid' }), t.Null()]),
  kind: t.String(),
  title: t.String(),
  body: t.String(),
  read_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  created_at: t.String({ format: 'date-time' }),
  reminder: t.Union(
    [
      t.Object({
        remind_at: t.String({ format: 'date-time', description: 'When the reminder was meant for' }),
        due_at: t.String({ format: 'date-time' }),
        offset_minutes: t.Integer({ description: 'Minutes before the due time' }),
        sent_at: t.String({ format: 'date-time', description: 'When it was sent (never before remind_at)' }),
        late: t.Boolean({ description: 'Sent more than a minute after remind_at (e.g. after downtime)' }),
      }),
      t.Null(),
    ],
    { description: 'Which reminder this is (kind reminder); null for other kinds' },
  ),
});

export const ListQuery = t.Object({
  unread: t.Optional(t.Boolean({ description: 'Only unread notifications' })),
  limit: t.Optional(t.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'Page size 1–100 (default 50)' })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
});

export const NotificationPage = t.Object({
  items: t.Array(Notification),
  next_cursor: t.Union([t.String(), t.Null()]),
  unread_count: t.Integer(),
});

export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) });
