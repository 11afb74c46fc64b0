import { jwtKey, verifyAccessToken } from './auth.ts';

/**
 * A stand-in for the api's `internal/auth/resolve` (what remoteAuthenticator asks) in tests of
 * other services: JWTs signed with `jwtSecret` resolve to their subject (every account exists), and
 * the personal tokens in `apiTokens` (token → user id) to their owner; anything else answers
 * `user_id: null` (200), as the api does.
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
      return Response.json({ user_id: null });
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

/**
 * The one poller of every test tier: calls `probe` until it gives a value — anything but
 * `undefined`, `null` or `false` — and returns it. A probe that throws is retried too (a server
 * not listening yet); after `timeoutMs` it fails naming `what` and the last error. It waits on the
 * thing itself, never on a fixed sleep.
 *
 * @example
 * const row = await eventually('the next occurrence', async () => (await list()).find((t) => t.parent_id === id));
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      const cause = lastError ? `: ${(lastError as Error).message ?? lastError}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await Bun.sleep(everyMs);
  }
}

export interface JsonCallOptions {
  /** JSON-encoded unless already a string. */
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * A JSON caller over an app's `handle` (no port): sends the body as JSON with the bearer token,
 * answers `{ status, headers, body }` with the body parsed when it is JSON, as text otherwise.
 */
export function jsonClient(handle: (request: Request) => Response | Promise<Response>, origin = 'http://localhost') {
  return async function call(method: string, path: string, opts: JsonCallOptions = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await handle(
      new Request(`${origin}${path}`, {
        method,
        headers,
        body:
          opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
      }),
    );
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary response JSON
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, headers: res.headers, body };
  };
}
