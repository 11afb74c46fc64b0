import { type Authenticate, createAuthenticator } from './auth.ts';

/** Calls another app by id (the platform's service invocation: Dapr, or in-process when embedded). */
export interface ApiInvoker {
  invoke(appId: string, path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Authentication for services other than the api: JWTs are verified locally with the shared key;
 * personal API tokens (`tt_…`) are resolved by the api over service invocation.
 */
export function remoteAuthenticator(opts: { jwtSecret: string; invoker: ApiInvoker }): Authenticate {
  return createAuthenticator({
    jwtSecret: opts.jwtSecret,
    async resolveApiToken(token) {
      const res = await opts.invoker.invoke('api', 'internal/auth/resolve', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      if (res.status === 401 || res.status === 404) return null;
      if (!res.ok) throw new Error(`api token resolution failed: ${res.status}`);
      const body = (await res.json()) as { user_id: string };
      return { userId: body.user_id, via: 'api_token' };
    },
  });
}
