import type { Executor } from '@tasktide/db';
import { createEvent } from '@tasktide/events';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm';
import { type CommentRow, comments, type TaskRow } from '../db/schema.ts';
import { authorizeTask, decide } from '../projects/access.ts';
import { invalid } from '../tasks/invalid.ts';
import { type Actor, emit } from '../tasks/service.ts';
import type { CommentDto, CommentQueryInput } from './model.ts';

export function toCommentDto(c: CommentRow): CommentDto {
  return {
    id: c.id,
    task_id: c.taskId,
    author_id: c.authorId,
    body: c.body,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

const snapshot = (c: CommentRow, task: TaskRow) => ({
  comment_id: c.id,
  task_id: c.taskId,
  project_id: task.projectId,
  author_id: c.authorId,
  body: c.body,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

const encodeCursor = (c: CommentRow) =>
  Buffer.from(JSON.stringify({ t: c.createdAt.toISOString(), id: c.id })).toString('base64url');

function afterCursor(cursor: string): SQL {
  let at: Date;
  let id: string;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: string; id: string };
    at = new Date(parsed.t);
    id = parsed.id;
    if (Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor');
  } catch {
    throw invalid('/cursor', 'not a cursor this list returned');
  }
  return or(gt(comments.createdAt, at), and(eq(comments.createdAt, at), gt(comments.id, id))) as SQL;
}

/** A task's comments, oldest first, in keyset pages (any member). */
export async function listComments(db: Executor, userId: string, taskId: string, query: CommentQueryInput) {
  await authorizeTask(db, userId, taskId, 'comment.read');
  const limit = query.limit ? Number(query.limit) : 50;
  const where = [eq(comments.taskId, taskId), ...(query.cursor ? [afterCursor(query.cursor)] : [])];
  const rows = await db
    .select()
    .from(comments)
    .where(and(...where))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toCommentDto), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function addComment(db: Executor, actor: Actor, taskId: string, body: string): Promise<CommentDto> {
  const text = body.trim();
  if (!text) throw invalid('/body', 'must not be blank');
  return db.transaction(async (tx) => {
    const { task } = await authorizeTask(tx, actor.userId, taskId, 'comment.create');
    const at = actor.at ?? new Date();
    const [row] = (await tx
      .insert(comments)
      .values({ id: Bun.randomUUIDv7(), taskId, authorId: actor.userId, body: text, createdAt: at, updatedAt: at })
      .returning()) as CommentRow[];
    const c = row as CommentRow;
    await emit(tx, actor, [createEvent('comment.created', snapshot(c, task), actor)]);
    return toCommentDto(c);
  });
}

/**
 * The comment, if the actor may change it: their own while they may still comment; deleting
 * someone else's needs comment.moderate (admins). Editing is only ever the author's.
 */
async function lockComment(tx: Executor, actor: Actor, taskId: string, commentId: string, deleting: boolean) {
  const { task, role } = await authorizeTask(tx, actor.userId, taskId, 'comment.read');
  const [c] = await tx
    .select()
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.taskId, taskId)))
    .for('update');
  if (!c) throw new AppError('not_found', 'No such comment');
  const own = c.authorId === actor.userId;
  if (!own && !deleting) throw new AppError('forbidden', 'Only its author can edit a comment');
  decide(role, own ? 'comment.create' : 'comment.moderate', 'comment');
  return { task, comment: c };
}

export async function editComment(
  db: Executor,
  actor: Actor,
  taskId: string,
  commentId: string,
  body: string,
): Promise<CommentDto> {
  const text = body.trim();
  if (!text) throw invalid('/body', 'must not be blank');
  return db.transaction(async (tx) => {
    const { task, comment } = await lockComment(tx, actor, taskId, commentId, false);
    if (comment.body === text) return toCommentDto(comment);
    const [row] = (await tx
      .update(comments)
      .set({ body: text, updatedAt: actor.at ?? new Date() })
      .where(eq(comments.id, commentId))
      .returning()) as CommentRow[];
    const c = row as CommentRow;
    await emit(tx, actor, [createEvent('comment.updated', snapshot(c, task), actor)]);
    return toCommentDto(c);
  });
}

export async function deleteComment(db: Executor, actor: Actor, taskId: string, commentId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { task } = await lockComment(tx, actor, taskId, commentId, true);
    await tx.delete(comments).where(eq(comments.id, commentId));
    await emit(tx, actor, [
      createEvent('comment.deleted', { comment_id: commentId, task_id: taskId, project_id: task.projectId }, actor),
    ]);
  });
}
