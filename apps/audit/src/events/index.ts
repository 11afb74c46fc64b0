import { can } from '@tasktide/access';
import type { Db } from '@tasktide/db';
import type { Authenticate } from '@tasktide/service-kit';
import { AppError } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { verifyChain } from '../chain/verify.ts';
import { roleIn } from '../projects/service.ts';
import { AuditEventPage, AuditEventsQuery, ChainReport } from './model.ts';
import { listAuditEvents, listProjectAuditEvents, toChainReportDto } from './service.ts';

export const AUDIT_PREFIX = '/api/v1/audit';

/**
 * The caller's own audit log: every route is scoped to the authenticated user (JWT or `tt_` API
 * token), so no query can reach another user's rows — except a project's log, which answers its
 * current members (audit's membership projection, decided by `can(role, 'project.read')`).
 */
export function auditEventRoutes(deps: { db: Db; authenticate: Authenticate }) {
  return (
    new Elysia({ prefix: AUDIT_PREFIX, tags: ['audit'], detail: { security: [{ bearer: [] }] } })
      // Derive runs before validation: a caller without credentials gets 401, whatever the query.
      .derive(async ({ request }) => ({
        principal: await deps.authenticate(request.headers.get('authorization')),
      }))
      .get(
        '/events',
        async ({ query, principal }) => {
          if (!query.project_id) return listAuditEvents(deps.db, principal.userId, query);
          // The one policy decides; not a member (or no longer) looks like no such project, as in the api.
          const role = await roleIn(deps.db, principal.userId, query.project_id);
          if (!can(role, 'project.read')) throw new AppError('not_found', 'no such project');
          return listProjectAuditEvents(deps.db, query.project_id, query);
        },
        {
          query: AuditEventsQuery,
          response: { 200: AuditEventPage },
          detail: {
            summary: "Your audit log, or with project_id a project's (its members only): filter by task, type and time",
            // A project_id of a project you are not a member of answers 404, as in the api.
            'x-problems': [404],
          },
        },
      )
      .get('/verify', async ({ principal }) => toChainReportDto(await verifyChain(deps.db, principal.userId)), {
        response: { 200: ChainReport },
        detail: { summary: 'Recompute your hash chain and report the first row that does not verify' },
      })
  );
}
