import { Elysia } from 'elysia';
import type { ApiDeps } from './context.ts';

/** Resolves the caller for every route registered after it; unauthenticated calls get 401 problem+json. */
export function requireUser(deps: Pick<ApiDeps, 'authenticate'>) {
  return new Elysia().resolve({ as: 'scoped' }, async ({ headers }) => ({
    principal: await deps.authenticate(headers.authorization),
  }));
}
