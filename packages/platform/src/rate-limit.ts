import type { StateStore } from './ports.ts';

export interface RateLimitResult {
  allowed: boolean;
  /** When the window resets, when not allowed (seconds). */
  retryAfterSeconds: number;
}

interface Window {
  count: number;
  /** ms since the epoch. */
  resetAt: number;
}

/**
 * A fixed-window counter kept in the state store, so every replica counts against the same
 * limit (the Dapr state store in clusters — with TTL, the window cleans itself up — and its
 * embedded stand-in locally). Increments use the store's optimistic concurrency: concurrent hits
 * from several replicas never lose a count.
 *
 * @example
 * const perAddress = createRateLimiter(platform.state, { name: 'login-ip', points: 30, windowSeconds: 900 });
 * if (!(await perAddress.hit(ip)).allowed) throw new AppError('rate_limited', …);
 */
export function createRateLimiter(
  state: StateStore,
  {
    name,
    points,
    windowSeconds,
    now = () => Date.now(),
  }: { name: string; points: number; windowSeconds: number; now?: () => number },
) {
  // Dapr refuses keys containing `||` (its app-id separator), and the keys here hold user input
  // (emails, addresses): a digest is always a legal key and keeps them out of the store.
  const keyOf = (key: string) => `ratelimit-${name}-${new Bun.CryptoHasher('sha256').update(key).digest('hex')}`;
  return {
    /** Counts one hit and says whether it is within the limit. */
    async hit(key: string): Promise<RateLimitResult> {
      const k = keyOf(key);
      for (let attempt = 0; attempt < 8; attempt++) {
        const t = now();
        const current = await state.get<Window>(k);
        const fresh = !current || current.value.resetAt <= t;
        if (!fresh && current.value.count >= points) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((current.value.resetAt - t) / 1000)) };
        }
        const next: Window = fresh
          ? { count: 1, resetAt: t + windowSeconds * 1000 }
          : { ...current.value, count: current.value.count + 1 };
        const ttlSeconds = Math.max(1, Math.ceil((next.resetAt - t) / 1000));
        const written = current
          ? await state.replace(k, next, current.etag, { ttlSeconds })
          : await state.claim(k, next, { ttlSeconds });
        if (written) return { allowed: true, retryAfterSeconds: 0 };
      }
      // Contention this high is itself a flood: refuse rather than count forever.
      return { allowed: false, retryAfterSeconds: 1 };
    },
    /** Forgets the key's count (e.g. after a successful login). */
    reset: (key: string) => state.delete(keyOf(key)),
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
