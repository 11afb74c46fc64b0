import { Elysia } from 'elysia';
import type { ApiDeps } from './context.ts';

/** Resolves the caller for every route registered after it; unauthenticated calls get 401 problem+json. */
export function requireUser(deps: Pick<ApiDeps, 'authenticate'>) {
  // derive, not resolve: it runs before body validation, so an anonymous call gets 401, not 400.
  return new Elysia().derive({ as: 'scoped' }, async ({ headers }) => ({
    principal: await deps.authenticate(headers.authorization),
  }));
}
