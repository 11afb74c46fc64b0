import type { Executor, Tx } from '@tasktide/db';
import { type AnyEvent, createEvent, type EventContext } from '@tasktide/events';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { type ProjectMemberRow, type ProjectRow, projectMembers, projects, tasks } from '../db/schema.ts';
import { invalid } from '../tasks/invalid.ts';
import { type Actor, emit } from '../tasks/service.ts';
import { authorizeProject } from './access.ts';
import { unassignIn } from './members.ts';
import type { CreateProjectInput, PatchProjectInput, ProjectDto } from './model.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toProjectDto(p: ProjectRow, m: Pick<ProjectMemberRow, 'role' | 'position'>): ProjectDto {
  return {
    id: p.id,
    name: p.name,
    color: p.color,
    archived: p.archivedAt !== null,
    archived_at: iso(p.archivedAt),
    is_inbox: p.isInbox,
    role: m.role,
    position: m.position,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

const snapshot = (p: ProjectRow) => ({
  project_id: p.id,
  name: p.name,
  color: p.color,
  archived_at: iso(p.archivedAt),
  is_inbox: p.isInbox,
});

/** After the caller's last project in their sidebar. */
async function nextPosition(tx: Executor, userId: string): Promise<number> {
  const [row] = await tx
    .select({ max: sql<number | null>`max(${projectMembers.position})` })
    .from(projectMembers)
    .where(eq(projectMembers.userId, userId));
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

/** Inserts a project with its creator as its only (admin) member, and their events. */
export async function insertProject(
  tx: Tx,
  actor: Actor,
  fields: { name: string; color: string | null; isInbox: boolean },
): Promise<ProjectDto> {
  const at = actor.at ?? new Date();
  const [project] = (await tx
    .insert(projects)
    .values({ id: Bun.randomUUIDv7(), ...fields, createdBy: actor.userId, createdAt: at, updatedAt: at })
    .returning()) as ProjectRow[];
  const p = project as ProjectRow;
  const position = await nextPosition(tx, actor.userId);
  await tx.insert(projectMembers).values({
    projectId: p.id,
    userId: actor.userId,
    role: 'admin',
    position,
    status: 'active',
    createdAt: at,
    updatedAt: at,
  });
  // The Inbox is part of the account, like the account's settings: announced by no event (sign-up
  // wrote none before projects existed, and the 0008 migration made every Inbox silently). It is
  // never shared, so no consumer needs its membership; task events carry its id.
  if (fields.isInbox) return toProjectDto(p, { role: 'admin', position });
  await emit(tx, actor, [
    createEvent('project.created', snapshot(p), actor),
    createEvent('member.added', { project_id: p.id, member_id: actor.userId, role: 'admin', invited_by: null }, actor),
  ]);
  return toProjectDto(p, { role: 'admin', position });
}

/** The user's Inbox, made at sign-up in the same transaction as the account (no events: see above). */
export const createInbox = (tx: Tx, actor: Actor) =>
  insertProject(tx, actor, { name: 'Inbox', color: null, isInbox: true });

/** A name as stored: trimmed, and not blank (400 naming /name). */
function projectName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid('/name', 'must not be blank');
  return trimmed;
}

export async function createProject(db: Executor, actor: Actor, input: CreateProjectInput): Promise<ProjectDto> {
  return db.transaction((tx) =>
    insertProject(tx, actor, { name: projectName(input.name), color: input.color ?? null, isInbox: false }),
  );
}

const mine = (userId: string) =>
  and(
    eq(projectMembers.projectId, projects.id),
    eq(projectMembers.userId, userId),
    eq(projectMembers.status, 'active'),
  );

export async function listProjects(db: Executor, userId: string): Promise<ProjectDto[]> {
  const rows = await db
    .select({ p: projects, m: projectMembers })
    .from(projects)
    .innerJoin(projectMembers, mine(userId))
    .orderBy(asc(projectMembers.position), asc(projects.createdAt), asc(projects.id));
  return rows.map((r) => toProjectDto(r.p, r.m));
}

export async function getProject(db: Executor, userId: string, id: string): Promise<ProjectDto> {
  await authorizeProject(db, userId, id, 'project.read');
  const [row] = await db
    .select({ p: projects, m: projectMembers })
    .from(projects)
    .innerJoin(projectMembers, mine(userId))
    .where(eq(projects.id, id));
  if (!row) throw new AppError('not_found', 'No such project');
  return toProjectDto(row.p, row.m);
}

/**
 * Settings (name, colour, archived) need project.update (admins); `position` is the caller's own
 * sidebar order, which any member may set. A body with both needs both.
 */
export async function updateProject(
  db: Executor,
  actor: Actor,
  id: string,
  input: PatchProjectInput,
): Promise<ProjectDto> {
  return db.transaction(async (tx) => {
    const settings = input.name !== undefined || input.color !== undefined || input.archived !== undefined;
    await authorizeProject(tx, actor.userId, id, settings ? 'project.update' : 'project.read');
    const [before] = await tx.select().from(projects).where(eq(projects.id, id)).for('update');
    const p = before as ProjectRow;
    const at = actor.at ?? new Date();
    if (input.position !== undefined) {
      await tx
        .update(projectMembers)
        .set({ position: input.position, updatedAt: at })
        .where(and(eq(projectMembers.projectId, id), eq(projectMembers.userId, actor.userId)));
    }
    const changes: Record<string, unknown> = {};
    const name = input.name === undefined ? undefined : projectName(input.name);
    if (name !== undefined && name !== p.name) changes.name = name;
    if (input.color !== undefined && input.color !== p.color) changes.color = input.color;
    if (input.archived !== undefined && input.archived !== (p.archivedAt !== null)) {
      if (p.isInbox && input.archived) throw new AppError('conflict', 'The Inbox cannot be archived');
      changes.archived_at = input.archived ? at.toISOString() : null;
    }
    if (Object.keys(changes).length) {
      const [row] = (await tx
        .update(projects)
        .set({
          name: (changes.name as string | undefined) ?? p.name,
          color: 'color' in changes ? (changes.color as string | null) : p.color,
          archivedAt: 'archived_at' in changes ? (input.archived ? at : null) : p.archivedAt,
          updatedAt: at,
        })
        .where(eq(projects.id, id))
        .returning()) as ProjectRow[];
      await emit(tx, actor, [
        createEvent('project.updated', { project_id: id, changes, project: snapshot(row as ProjectRow) }, actor),
      ]);
    }
    return getProject(tx, actor.userId, id);
  });
}

/**
 * Deletes a project and every task in it, each with the task.deleted event a normal delete writes
 * (reminders and recurrence stop), then project.deleted. The Inbox cannot be deleted (409).
 * Archiving (PATCH archived=true) is the non-destructive alternative.
 */
export async function deleteProject(db: Executor, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await authorizeProject(tx, actor.userId, id, 'project.delete');
    const [p] = await tx.select().from(projects).where(eq(projects.id, id)).for('update');
    if (p?.isInbox) throw new AppError('conflict', 'The Inbox cannot be deleted; archive or delete its tasks instead');
    const victims = await tx
      .select({ id: tasks.id, seriesId: tasks.seriesId })
      .from(tasks)
      .where(eq(tasks.projectId, id))
      .for('update');
    await tx.delete(tasks).where(eq(tasks.projectId, id));
    await tx.delete(projects).where(eq(projects.id, id));
    const events: AnyEvent[] = victims.map((v) =>
      createEvent('task.deleted', { task_id: v.id, scope: 'occurrence', series_id: v.seriesId, project_id: id }, actor),
    );
    events.push(createEvent('project.deleted', { project_id: id }, actor));
    await emit(tx, actor, events);
  });
}

/**
 * What deleting an account does to its projects, before the user row goes (its memberships and the
 * tasks it created go by cascade): a shared project whose last admin it was gets its longest-standing
 * other member as admin (member.role_changed); a project nobody else is an active member of is
 * deleted. Their assigned tasks there are unassigned (task.updated). Tasks the user created in projects others keep vanish with the account: each gets a
 * task.deleted, so the other members' views and reminders follow. Returns the events to write.
 */
export async function leaveAllProjects(tx: Tx, userId: string, ctx: EventContext): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  const memberships = await tx
    .select()
    .from(projectMembers)
    .where(and(eq(projectMembers.userId, userId), eq(projectMembers.status, 'active')));
  for (const m of memberships) {
    const others = await tx
      .select()
      .from(projectMembers)
      .where(
        and(
          eq(projectMembers.projectId, m.projectId),
          ne(projectMembers.userId, userId),
          eq(projectMembers.status, 'active'),
        ),
      )
      .orderBy(asc(projectMembers.createdAt), asc(projectMembers.userId));
    const [heir] = others;
    if (!heir) {
      const [gone] = await tx.delete(projects).where(eq(projects.id, m.projectId)).returning();
      // The Inbox goes with the account silently, as it came (user.deleted covers its tasks).
      if (!gone?.isInbox) events.push(createEvent('project.deleted', { project_id: m.projectId }, ctx));
      continue;
    }
    if (m.role === 'admin' && !others.some((o) => o.role === 'admin')) {
      await tx
        .update(projectMembers)
        .set({ role: 'admin', updatedAt: ctx.at ?? new Date() })
        .where(and(eq(projectMembers.projectId, m.projectId), eq(projectMembers.userId, heir.userId)));
      events.push(
        createEvent(
          'member.role_changed',
          { project_id: m.projectId, member_id: heir.userId, role: 'admin', previous_role: heir.role },
          ctx,
        ),
      );
    }
    events.push(...(await unassignIn(tx, m.projectId, userId, ctx)));
    const created = await tx
      .select({ id: tasks.id, seriesId: tasks.seriesId })
      .from(tasks)
      .where(and(eq(tasks.projectId, m.projectId), eq(tasks.userId, userId)));
    for (const t of created) {
      events.push(
        createEvent(
          'task.deleted',
          { task_id: t.id, scope: 'occurrence', series_id: t.seriesId, project_id: m.projectId },
          ctx,
        ),
      );
    }
    events.push(createEvent('member.removed', { project_id: m.projectId, member_id: userId, reason: 'left' }, ctx));
  }
  return events;
}
