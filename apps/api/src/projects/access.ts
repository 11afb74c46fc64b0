import { type Action, can, type Role } from '@tasktide/access';
import { type Executor, queryRows } from '@tasktide/db';
import { AppError } from '@tasktide/service-kit';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { projectMembers, type TaskRow, tasks } from '../db/schema.ts';

/**
 * The api's one door to the policy: every route that touches a project, its members, its tasks or
 * their comments resolves the caller's membership here and asks `can` (@tasktide/access). Outside
 * a project (not an active member) everything is 404 — indistinguishable from a missing resource,
 * as another user's task always was; a member whose role does not allow the action gets 403.
 */
export function decide(role: Role | null, action: Action, what: string): void {
  if (!can(role, 'project.read')) throw new AppError('not_found', `No such ${what}`);
  if (!can(role, action)) {
    throw new AppError('forbidden', `Your role in this project (${role}) does not allow ${action}`);
  }
}

/**
 * `tasks.project_id` among the user's projects (active memberships): the list-side form of
 * `can(role, 'task.read')` — every role may read, so membership is the whole condition.
 */
export const inProjectsOf = (userId: string): SQL =>
  sql`${tasks.projectId} in (select ${projectMembers.projectId} from ${projectMembers} where ${projectMembers.userId} = ${userId} and ${projectMembers.status} = 'active')`;

/**
 * The query of `projectsOf`, hand-written: it runs before every list page, where building it
 * through drizzle cost more than running it (bench:api replays it with pgbench).
 */
export const projectsOfStatement = (userId: string) => ({
  sql: "select project_id from api.project_members where user_id = $1 and status = 'active'",
  params: [userId],
});

/** The projects the user is an active member of (every role reads their tasks). */
export async function projectsOf(db: Executor, userId: string): Promise<string[]> {
  const { sql: text, params } = projectsOfStatement(userId);
  return (await queryRows<{ project_id: string }>(db, text, params)).map((r) => r.project_id);
}

/** The caller's role in a project; null when they are not an active member (or it does not exist). */
export async function roleIn(db: Executor, userId: string, projectId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(
      and(
        eq(projectMembers.projectId, projectId),
        eq(projectMembers.userId, userId),
        eq(projectMembers.status, 'active'),
      ),
    )
    .limit(1);
  return row?.role ?? null;
}

/** Resolves the caller's role in a project and checks `action`; returns the role. */
export async function authorizeProject(db: Executor, userId: string, projectId: string, action: Action): Promise<Role> {
  const role = await roleIn(db, userId, projectId);
  decide(role, action, 'project');
  return role as Role;
}

/**
 * A task with the caller's role in its project, checked for `action`. `lock` takes the row FOR
 * UPDATE (inside a transaction), as every change does.
 */
export async function authorizeTask(
  db: Executor,
  userId: string,
  taskId: string,
  action: Action,
  { lock = false }: { lock?: boolean } = {},
): Promise<{ task: TaskRow; role: Role }> {
  const query = db.select().from(tasks).where(eq(tasks.id, taskId)).limit(1);
  const [task] = lock ? await query.for('update') : await query;
  const role = task ? await roleIn(db, userId, task.projectId) : null;
  decide(role, action, 'task');
  return { task: task as TaskRow, role: role as Role };
}
