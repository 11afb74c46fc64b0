import { Elysia } from 'elysia';
import { requireUser } from '../auth.ts';
import { type ApiDeps, actorOf } from '../context.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import type { Actor } from '../tasks/service.ts';
import { Comment, CommentBody, CommentPage, CommentParams, CommentQuery, TaskCommentParams } from './model.ts';
import { addComment, deleteComment, editComment, listComments } from './service.ts';

/** Comments on a task, by the members of its project (any role may comment). */
export function commentRoutes(deps: ApiDeps) {
  const committed = <T>(value: T, actor: Actor) => {
    deps.onOutboxWrite?.();
    deps.taskMetrics?.committed(actor.emitted ?? []);
    return value;
  };
  return new Elysia({ prefix: '/tasks/:id/comments', tags: ['comments'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .get('/', ({ params, query, principal }) => listComments(deps.db, principal.userId, params.id, query), {
      params: TaskCommentParams,
      query: CommentQuery,
      response: { 200: CommentPage },
      detail: { summary: "A task's comments, oldest first (any member of its project)" },
    })
    .post(
      '/',
      async ({ params, body, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        const comment = await idempotentPost(
          deps.db,
          { request, set, scope: `user:${principal.userId}`, body },
          async (tx) => ({ status: 201, body: await addComment(tx, actor, params.id, body.body) }),
        );
        return committed(comment, actor);
      },
      {
        params: TaskCommentParams,
        body: CommentBody,
        response: { 201: Comment },
        detail: { summary: 'Comment on a task (any member, viewers included)', 'x-problems': [422] },
      },
    )
    .patch(
      '/:commentId',
      async ({ params, body, request, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        return committed(await editComment(deps.db, actor, params.id, params.commentId, body.body), actor);
      },
      {
        params: CommentParams,
        body: CommentBody,
        response: { 200: Comment },
        detail: { summary: 'Edit my comment (only its author)', 'x-problems': [403] },
      },
    )
    .delete(
      '/:commentId',
      async ({ params, request, set, principal }) => {
        const actor = actorOf(request, deps.clock, principal.userId);
        await deleteComment(deps.db, actor, params.id, params.commentId);
        committed(null, actor);
        set.status = 204;
      },
      {
        params: CommentParams,
        detail: { summary: "Delete my comment, or (admin) anyone's", 'x-problems': [403] },
      },
    );
}
