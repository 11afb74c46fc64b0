import type { Db } from '@tasktide/db';
import type { Authenticate } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { verifyChain } from '../chain/verify.ts';
import { AuditEventPage, AuditEventsQuery, ChainReport } from './model.ts';
import { listAuditEvents, toChainReportDto } from './service.ts';

export const AUDIT_PREFIX = '/api/v1/audit';

/**
 * The caller's own audit log: every route is scoped to the authenticated user (JWT or `tt_` API
 * token), so no query can reach another user's rows.
 */
export function auditEventRoutes(deps: { db: Db; authenticate: Authenticate }) {
  return (
    new Elysia({ prefix: AUDIT_PREFIX, tags: ['audit'], detail: { security: [{ bearer: [] }] } })
      // Derive runs before validation: a caller without credentials gets 401, whatever the query.
      .derive(async ({ request }) => ({
        principal: await deps.authenticate(request.headers.get('authorization')),
      }))
      .get('/events', ({ query, principal }) => listAuditEvents(deps.db, principal.userId, query), {
        query: AuditEventsQuery,
        response: { 200: AuditEventPage },
        detail: { summary: 'Your audit log: filter by task, type and time; cursor pages' },
      })
      .get('/verify', async ({ principal }) => toChainReportDto(await verifyChain(deps.db, principal.userId)), {
        response: { 200: ChainReport },
        detail: { summary: 'Recompute your hash chain and report the first row that does not verify' },
      })
  );
}
