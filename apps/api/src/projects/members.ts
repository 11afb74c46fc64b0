import type { Executor, Tx } from '@tasktide/db';
import { type AnyEvent, createEvent, type EventContext } from '@tasktide/events';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { projectMembers, projects, type TaskRow, tasks, users } from '../db/schema.ts';
import { toSnapshot } from '../tasks/dto.ts';
import { type Actor, emit } from '../tasks/service.ts';
import { authorizeProject } from './access.ts';
import type { InvitationDto, MemberDto, RoleName } from './model.ts';

const member = (projectId: string, userId: string) =>
  and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId));

export async function listMembers(db: Executor, userId: string, projectId: string): Promise<MemberDto[]> {
  await authorizeProject(db, userId, projectId, 'project.read');
  const rows = await db
    .select({ m: projectMembers, email: users.email, displayName: users.displayName })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt), asc(projectMembers.userId));
  return rows.map(({ m, email, displayName }) => ({
    user_id: m.userId,
    email,
    display_name: displayName,
    role: m.role,
    status: m.status,
    invited_by: m.invitedBy,
    created_at: m.createdAt.toISOString(),
  }));
}

/**
 * Invites an existing user by email (admins). Unknown email → 404; already a member or invited →
 * 409. The Inbox is personal and cannot be shared (409): share a project made for it.
 */
export async function invite(
  db: Executor,
  actor: Actor,
  projectId: string,
  input: { email: string; role: RoleName },
): Promise<MemberDto> {
  return db.transaction(async (tx) => {
    await authorizeProject(tx, actor.userId, projectId, 'members.manage');
    const [p] = await tx.select().from(projects).where(eq(projects.id, projectId));
    if (p?.isInbox) throw new AppError('conflict', 'The Inbox is personal and cannot be shared');
    const [user] = await tx.select().from(users).where(eq(users.email, input.email.trim().toLowerCase())).limit(1);
    if (!user) throw new AppError('not_found', 'No account has this email');
    const at = actor.at ?? new Date();
    const [inserted] = await tx
      .insert(projectMembers)
      .values({
        projectId,
        userId: user.id,
        role: input.role,
        status: 'invited',
        invitedBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) throw new AppError('conflict', 'This user is already a member of the project or invited');
    return {
      user_id: user.id,
      email: user.email,
      display_name: user.displayName,
      role: inserted.role,
      status: inserted.status,
      invited_by: inserted.invitedBy,
      created_at: inserted.createdAt.toISOString(),
    };
  });
}

export async function listInvitations(db: Executor, userId: string): Promise<InvitationDto[]> {
  const rows = await db
    .select({ m: projectMembers, name: projects.name })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.userId, userId), eq(projectMembers.status, 'invited')))
    .orderBy(asc(projectMembers.createdAt), asc(projectMembers.projectId));
  return rows.map(({ m, name }) => ({
    project_id: m.projectId,
    project_name: name,
    role: m.role,
    invited_by: m.invitedBy,
    created_at: m.createdAt.toISOString(),
  }));
}

/** Accepts (→ an active member, member.added) or declines (the invitation is gone) a pending invitation. */
export async function answerInvitation(db: Executor, actor: Actor, projectId: string, accept: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(projectMembers)
      .where(and(member(projectId, actor.userId), eq(projectMembers.status, 'invited')))
      .for('update');
    if (!row) throw new AppError('not_found', 'No such invitation');
    const at = actor.at ?? new Date();
    if (!accept) {
      await tx.delete(projectMembers).where(member(projectId, actor.userId));
      return;
    }
    const [last] = await tx
      .select({ max: sql<number | null>`max(${projectMembers.position})` })
      .from(projectMembers)
      .where(and(eq(projectMembers.userId, actor.userId), eq(projectMembers.status, 'active')));
    const position = last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1;
    await tx
      .update(projectMembers)
      .set({ status: 'active', position, updatedAt: at })
      .where(member(projectId, actor.userId));
    await emit(tx, actor, [
      createEvent(
        'member.added',
        { project_id: projectId, member_id: actor.userId, role: row.role, invited_by: row.invitedBy },
        actor,
      ),
    ]);
  });
}

/** The last admin holds the project: they cannot leave or be demoted while no one else is admin. */
async function assertNotLastAdmin(tx: Tx, projectId: string, userId: string) {
  const [other] = await tx
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(
      and(
        eq(projectMembers.projectId, projectId),
        ne(projectMembers.userId, userId),
        eq(projectMembers.role, 'admin'),
        eq(projectMembers.status, 'active'),
      ),
    )
    .limit(1);
  if (!other)
    throw new AppError('conflict', 'The last admin cannot leave or be demoted; make someone else admin first');
}

async function lockMember(tx: Tx, projectId: string, userId: string) {
  // Serialise membership changes of one project (the last-admin rule reads the other rows).
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
  const [row] = await tx.select().from(projectMembers).where(member(projectId, userId)).for('update');
  if (!row) throw new AppError('not_found', 'No such member');
  return row;
}

export async function changeRole(
  db: Executor,
  actor: Actor,
  projectId: string,
  userId: string,
  role: RoleName,
): Promise<MemberDto> {
  await db.transaction(async (tx) => {
    await authorizeProject(tx, actor.userId, projectId, 'members.manage');
    const row = await lockMember(tx, projectId, userId);
    if (row.role === role) return;
    if (row.role === 'admin' && row.status === 'active') await assertNotLastAdmin(tx, projectId, userId);
    await tx
      .update(projectMembers)
      .set({ role, updatedAt: actor.at ?? new Date() })
      .where(member(projectId, userId));
    if (row.status === 'active') {
      await emit(tx, actor, [
        createEvent(
          'member.role_changed',
          { project_id: projectId, member_id: userId, role, previous_role: row.role },
          actor,
        ),
      ]);
    }
  });
  const members = await listMembers(db, actor.userId, projectId);
  return members.find((m) => m.user_id === userId) as MemberDto;
}

/**
 * Removes a member (admins), or the caller themselves (leaving; any member). Their tasks in the
 * project are unassigned in the same transaction, each by a task.updated event, then member.removed
 * tells consumers to stop fanning the project out to them. Withdrawing an invitation is the same call.
 */
export async function removeMember(db: Executor, actor: Actor, projectId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const self = userId === actor.userId;
    await authorizeProject(tx, actor.userId, projectId, self ? 'project.read' : 'members.manage');
    const row = await lockMember(tx, projectId, userId);
    if (row.role === 'admin' && row.status === 'active') await assertNotLastAdmin(tx, projectId, userId);
    await tx.delete(projectMembers).where(member(projectId, userId));
    if (row.status !== 'active') return;
    const events = await unassignIn(tx, projectId, userId, actor);
    events.push(
      createEvent(
        'member.removed',
        { project_id: projectId, member_id: userId, reason: self ? 'left' : 'removed' },
        actor,
      ),
    );
    await emit(tx, actor, events);
  });
}

/**
 * Unassigns `userId` from their tasks in a project (they are leaving it): each task gets a new
 * version and a task.updated event — how consumers learn of it (no service reads our tables).
 */
export async function unassignIn(tx: Tx, projectId: string, userId: string, ctx: EventContext): Promise<AnyEvent[]> {
  const at = ctx.at ?? new Date();
  const assigned = (await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), eq(tasks.assigneeId, userId)))
    .for('update')) as TaskRow[];
  const events: AnyEvent[] = [];
  for (const task of assigned) {
    const [updated] = (await tx
      .update(tasks)
      .set({ assigneeId: null, version: task.version + 1, updatedAt: at })
      .where(eq(tasks.id, task.id))
      .returning()) as TaskRow[];
    const t = updated as TaskRow;
    events.push(
      createEvent(
        'task.updated',
        { task_id: t.id, version: t.version, changes: { assignee_id: null }, task: toSnapshot(t) },
        ctx,
      ),
    );
  }
  return events;
}
