import { Elysia } from 'elysia';
import type { ApiDeps } from '../context.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import { LoginBody, RegisterBody, Session, User } from './model.ts';
import { getUser, login, register, toUserDto } from './service.ts';

function clientIp(
  request: Request,
  server: { requestIP(r: Request): { address: string } | null } | null,
  trustProxy: boolean,
) {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}

export function accountRoutes(deps: ApiDeps) {
  return new Elysia({ tags: ['accounts'] })
    .post(
      '/auth/register',
      ({ body, request, set }) =>
        idempotentPost(deps.db, { request, set, scope: 'anon', body }, async (tx) => ({
          status: 201,
          body: await register(tx, body),
        })),
      { body: RegisterBody, response: { 201: User }, detail: { summary: 'Create an account' } },
    )
    .post(
      '/auth/login',
      ({ body, request, server }) =>
        login(
          deps.db,
          { limiter: deps.limiter, jwtKey: deps.jwtKey, ttlSeconds: deps.config.ACCESS_TOKEN_TTL_SECONDS },
          body,
          clientIp(request, server, deps.config.TRUST_PROXY),
        ),
      {
        body: LoginBody,
        response: { 200: Session },
        detail: { summary: 'Exchange email and password for an access token (rate-limited per account and IP)' },
      },
    )
    .get(
      '/me',
      async ({ headers }) => {
        const principal = await deps.authenticate(headers.authorization);
        return toUserDto(await getUser(deps.db, principal.userId));
      },
      { response: { 200: User }, detail: { summary: 'The signed-in account', security: [{ bearer: [] }] } },
    );
}
