import { t } from 'elysia';

const Body = t.String({ minLength: 1, maxLength: 10_000, description: 'Plain text' });

export const Comment = t.Object({
  id: t.String({ format: 'uuid' }),
  task_id: t.String({ format: 'uuid' }),
  author_id: t.String({ format: 'uuid' }),
  body: t.String(),
  created_at: t.String({ format: 'date-time' }),
  updated_at: t.String({ format: 'date-time' }),
});

export const CommentPage = t.Object({
  items: t.Array(Comment, { description: 'Oldest first' }),
  next_cursor: t.Union([t.String(), t.Null()]),
});

export const CommentBody = t.Object({ body: Body });
export const TaskCommentParams = t.Object({ id: t.String({ format: 'uuid' }) });
export const CommentParams = t.Object({ id: t.String({ format: 'uuid' }), commentId: t.String({ format: 'uuid' }) });
export const CommentQuery = t.Object({
  limit: t.Optional(t.String({ pattern: '^(100|[1-9][0-9]?)$', description: 'Page size 1–100 (default 50)' })),
  cursor: t.Optional(t.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
});

export type CommentDto = typeof Comment.static;
export type CommentQueryInput = typeof CommentQuery.static;
