import { Elysia, t } from 'elysia';
import { requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import { ApiToken, CreatedApiToken, CreateTokenBody, TokenParams } from './model.ts';
import { createToken, listTokens, revokeToken } from './service.ts';

export function tokenRoutes(deps: ApiDeps) {
  return new Elysia({ prefix: '/tokens', tags: ['api tokens'], detail: { security: [{ bearer: [] }] } })
    .use(requireUser(deps))
    .post(
      '/',
      ({ body, request, set, principal }) =>
        idempotentPost(deps.db, { request, set, scope: `user:${principal.userId}`, body }, async (tx) => ({
          status: 201,
          body: await createToken(tx, principal.userId, body),
        })),
      {
        body: CreateTokenBody,
        response: { 201: CreatedApiToken },
        detail: { summary: 'Create a personal API token (shown once)', 'x-problems': [422] },
      },
    )
    .get('/', ({ principal }) => listTokens(deps.db, principal.userId), {
      response: { 200: t.Array(ApiToken) },
      detail: { summary: 'List active API tokens' },
    })
    .delete(
      '/:id',
      async ({ params, principal, set }) => {
        await revokeToken(deps.db, principal.userId, params.id);
        set.status = 204;
      },
      { params: TokenParams, detail: { summary: 'Revoke an API token' } },
    );
}
