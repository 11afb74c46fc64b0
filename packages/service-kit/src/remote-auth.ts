import { type Authenticate, createAuthenticator } from './auth.ts';

/** Calls another app by id (the platform's service invocation: Dapr, or in-process when embedded). */
export interface ApiInvoker {
  invoke(appId: string, path: string, init?: RequestInit): Promise<Response>;
}

/** A small time-bounded cache of answers, so a busy socket or inbox poller costs one lookup per window. */
function answerCache<T>(ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { value: T; until: number }>();
  return async (key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, { value, until: Date.now() + ttlMs });
    return value;
  };
}

/**
 * Authentication for services other than the api: a JWT's signature and claims are verified
 * locally with the shared key, and whether its session still holds (account not deleted, password
 * not changed since) is asked of the api — as are personal API tokens (`tt_…`). Answers are cached
 * for `sessionCacheMs` (30 s): a password change reaches the other services within that window.
 */
export function remoteAuthenticator(opts: {
  jwtSecret: string;
  invoker: ApiInvoker;
  sessionCacheMs?: number;
  /** The time expiry is judged by (the service's clock; a test clock in the model check). */
  clock?: { now(): Date };
}): Authenticate {
  const resolve = async (token: string): Promise<string | null> => {
    const res = await opts.invoker.invoke('api', 'internal/auth/resolve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    // 200 with user_id null is the api's "unknown token"; 401/404 is the same answer from an api
    // older than that (during a rollout).
    if (res.status === 401 || res.status === 404) return null;
    if (!res.ok) throw new Error(`api token resolution failed: ${res.status}`);
    return ((await res.json()) as { user_id: string | null }).user_id;
  };
  const cached = answerCache<string | null>(opts.sessionCacheMs ?? 30_000);
  return createAuthenticator({
    jwtSecret: opts.jwtSecret,
    clock: opts.clock,
    async resolveApiToken(token) {
      const userId = await cached(token, () => resolve(token));
      return userId ? { userId, via: 'api_token' } : null;
    },
    async confirmSession(principal, token) {
      return (await cached(token, () => resolve(token))) === principal.userId;
    },
  });
}
