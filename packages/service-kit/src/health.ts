import { Elysia } from 'elysia';

/** A readiness dependency: resolves when healthy, throws (or rejects) when not. */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * `/healthz` answers while the process runs; `/readyz` runs every check (DB, sidecar…) with a
 * timeout and answers 503 naming the failing ones, so Kubernetes stops routing to this pod.
 */
export function healthRoutes(checks: Record<string, ReadinessCheck> = {}, timeoutMs = 2000) {
  return new Elysia({ name: 'health' })
    .get('/healthz', () => ({ status: 'ok' }), { detail: { hide: true } })
    .get(
      '/readyz',
      async ({ set }) => {
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => {
            try {
              await Promise.race([
                check(),
                new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
              ]);
              return [name, 'ok'] as const;
            } catch (err) {
              return [name, `failing: ${(err as Error).message}`] as const;
            }
          }),
        );
        const failing = results.filter(([, s]) => s !== 'ok');
        if (failing.length) set.status = 503;
        return { status: failing.length ? 'unavailable' : 'ok', checks: Object.fromEntries(results) };
      },
      { detail: { hide: true } },
    );
}
