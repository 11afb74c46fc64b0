import type { Db } from '@tasktide/db';
import { type Authenticate, type Clock, formatTraceparent, requestContext } from '@tasktide/service-kit';
import type { AccountLimits } from './accounts/limits.ts';
import type { SessionCheck } from './accounts/sessions.ts';
import type { ApiConfig } from './config.ts';
import type { TaskMetrics } from './tasks/metrics.ts';
import type { Actor } from './tasks/service.ts';

/** Everything the api's controllers need, built once at start (see app.ts). */
export interface ApiDeps {
  db: Db;
  config: Pick<ApiConfig, 'ACCESS_TOKEN_TTL_SECONDS' | 'TRUSTED_PROXY_HOPS' | 'APP_API_TOKEN'>;
  jwtKey: Uint8Array;
  /** Login and registration limits, shared by replicas through the state store. */
  limits: AccountLimits;
  authenticate: Authenticate;
  /** Ends sessions of a changed password or a deleted account (see accounts/sessions.ts). */
  sessions: SessionCheck;
  /** Called after a commit that wrote outbox rows: wakes the relay instead of waiting for its poll. */
  onOutboxWrite?: () => void;
  /** Task lifecycle counters (absent in tests that do not care). */
  taskMetrics?: TaskMetrics;
  /** Decides completion times, event timestamps and what is overdue (a test clock in the model check). */
  clock: Clock;
}

/** The event context of a request: who, plus the request id and trace to correlate what follows. */
export function actorOf(request: Request, clock: Clock, userId: string): Actor {
  const ctx = requestContext(request);
  return {
    userId,
    at: clock.now(),
    correlationId: ctx?.correlationId ?? crypto.randomUUID(),
    ...(ctx ? { traceparent: formatTraceparent(ctx.trace) } : {}),
    emitted: [],
  };
}

/** If-Match carries the task version (a bare integer or a quoted ETag like "3"). */
export function parseIfMatch(header: string | undefined | null): number | undefined {
  if (!header) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) return Number.NaN;
  return Number(match[1]);
}
