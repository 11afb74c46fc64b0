import { jwtKey, verifyAccessToken } from './auth.ts';

/**
 * A stand-in for the api's `internal/auth/resolve` (what remoteAuthenticator asks) in tests of
 * other services: JWTs signed with `jwtSecret` resolve to their subject (every account exists), and
 * the personal tokens in `apiTokens` (token → user id) to their owner; anything else is a 401.
 */
export function standInApiAuth(opts: { jwtSecret: string; apiTokens?: Map<string, string> }) {
  const key = jwtKey(opts.jwtSecret);
  const handle = async (request: Request): Promise<Response> => {
    const { token } = (await request.json()) as { token: string };
    const owner = opts.apiTokens?.get(token);
    if (owner) return Response.json({ user_id: owner, via: 'api_token' });
    try {
      const principal = await verifyAccessToken(key, token);
      return Response.json({ user_id: principal.userId, via: 'jwt' });
    } catch {
      return new Response('unknown token', { status: 401 });
    }
  };
  return {
    /** Mount as the `api` app of an embedded runtime. */
    handle,
    /** Or use directly as remoteAuthenticator's invoker. */
    invoker: {
      invoke: (_app: string, _path: string, init?: RequestInit) =>
        handle(new Request('http://api/internal/auth/resolve', { method: 'POST', body: init?.body ?? null })),
    },
  };
}
