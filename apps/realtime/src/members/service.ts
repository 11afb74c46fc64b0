import type { Db } from '@tasktide/db';
import { and, eq, lte, sql } from 'drizzle-orm';
import { projectMembers } from '../db/schema.ts';

/** The membership facts realtime applies (member.* and project.deleted, as the bus delivers them). */
export type MembershipFact =
  | { kind: 'joined'; projectId: string; userId: string; at: string }
  | { kind: 'left'; projectId: string; userId: string; at: string }
  | { kind: 'project_gone'; projectId: string; at: string }
  | { kind: 'user_gone'; userId: string; at: string };

/**
 * realtime's membership projection: who gets a project's updates. Fed only by events; every apply
 * is idempotent (a redelivery writes the same row) and order-tolerant (an older fact never
 * overwrites a newer one: rows carry the time of the event that set them).
 *
 * @example
 * const members = createMembership(db)
 * await members.apply({ kind: 'joined', projectId, userId: bob, at: event.timestamp })
 * await members.activeMembers(projectId) // [ada, bob]
 */
export function createMembership(db: Db) {
  async function set(projectId: string, userId: string, active: boolean, at: string) {
    const asOf = new Date(at);
    await db
      .insert(projectMembers)
      .values({ projectId, userId, active, asOf })
      .onConflictDoUpdate({
        target: [projectMembers.projectId, projectMembers.userId],
        set: { active, asOf },
        setWhere: lte(projectMembers.asOf, asOf),
      });
  }

  return {
    async apply(fact: MembershipFact): Promise<void> {
      switch (fact.kind) {
        case 'joined':
          return set(fact.projectId, fact.userId, true, fact.at);
        case 'left':
          return set(fact.projectId, fact.userId, false, fact.at);
        case 'project_gone':
          await db
            .update(projectMembers)
            .set({ active: false, asOf: sql`greatest(${projectMembers.asOf}, ${fact.at}::timestamptz)` })
            .where(eq(projectMembers.projectId, fact.projectId));
          return;
        case 'user_gone':
          await db.delete(projectMembers).where(eq(projectMembers.userId, fact.userId));
          return;
      }
    },

    /** The project's active members (empty for a project realtime never heard of, e.g. an Inbox). */
    async activeMembers(projectId: string): Promise<string[]> {
      const rows = await db
        .select({ userId: projectMembers.userId })
        .from(projectMembers)
        .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.active, true)));
      return rows.map((r) => r.userId);
    },
  };
}

export type Membership = ReturnType<typeof createMembership>;

/** The project a task or comment event is about, if it carries one (events before projects do not). */
export function projectOf(event: { [field: string]: unknown }): string | undefined {
  const payload = event.payload as { project_id?: unknown; task?: { project_id?: unknown } } | undefined;
  const id = payload?.project_id ?? payload?.task?.project_id;
  return typeof id === 'string' ? id : undefined;
}
