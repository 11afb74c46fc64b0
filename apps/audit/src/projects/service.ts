import { type Role, roles } from '@tasktide/access';
import type { Db, Tx } from '@tasktide/db';
import type { AnyEvent } from '@tasktide/events';
import { and, eq, lte, sql } from 'drizzle-orm';
import { projectMembers } from '../db/schema.ts';

/**
 * Applies a membership event to audit's projection (other events: nothing). Idempotent, and an
 * older fact never overwrites a newer one: membership events of one project come from different
 * actors, hence different partitions, so they may arrive out of order.
 */
export async function applyMembership(tx: Tx | Db, event: AnyEvent): Promise<void> {
  const at = new Date(event.timestamp);
  const set = async (projectId: string, userId: string, role: Role | null) => {
    await tx
      .insert(projectMembers)
      .values({ projectId, userId, role, asOf: at })
      .onConflictDoUpdate({
        target: [projectMembers.projectId, projectMembers.userId],
        set: { role, asOf: at },
        setWhere: lte(projectMembers.asOf, at),
      });
  };
  switch (event.event_type) {
    case 'member.added':
    case 'member.role_changed':
      return set(event.payload.project_id, event.payload.member_id, event.payload.role);
    case 'member.removed':
      return set(event.payload.project_id, event.payload.member_id, null);
    case 'project.deleted':
      await tx
        .update(projectMembers)
        .set({ role: null, asOf: sql`greatest(${projectMembers.asOf}, ${event.timestamp}::timestamptz)` })
        .where(eq(projectMembers.projectId, event.payload.project_id));
      return;
  }
}

/** The caller's role in the project as audit knows it; null when not (or no longer) a member. */
export async function roleIn(db: Db, userId: string, projectId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  const role = row?.role as Role | null | undefined;
  return role && roles.includes(role) ? role : null;
}
