/**
 * Who may do what in a shared project: the one role × action table every route of the api (and
 * every consumer that needs to decide) asks. Pure and tiny on purpose, so a consumer can import it
 * without the api: a change of policy is a change of this table, in one place, under its test.
 */

/** A member's role in a project, weakest first. */
export const roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Everything a route can ask permission for. */
export const actions = [
  /** See the project, its tasks, members and comments. */
  'project.read',
  /** Rename, recolour, archive. */
  'project.update',
  'project.delete',
  /** Invite, change roles, remove other members. */
  'members.manage',
  'task.read',
  /** Create, change, complete, reopen, delete and move tasks; assign them. */
  'task.write',
  'comment.read',
  'comment.create',
  /** Delete anybody's comment (an author always edits and deletes their own). */
  'comment.moderate',
] as const;
export type Action = (typeof actions)[number];

const weakest: Record<Action, Role> = {
  'project.read': 'viewer',
  'task.read': 'viewer',
  'comment.read': 'viewer',
  // Viewers may discuss: a comment changes no task (Todoist and Vikunja let read-only members comment too).
  'comment.create': 'viewer',
  'task.write': 'editor',
  'project.update': 'admin',
  'project.delete': 'admin',
  'members.manage': 'admin',
  'comment.moderate': 'admin',
};

/**
 * Whether a member with `role` (null: not an active member) may do `action`.
 *
 * @example
 * can('editor', 'task.write') // true
 * can(null, 'project.read') // false: outside the project, nothing (the api answers 404)
 */
export function can(role: Role | null, action: Action): boolean {
  if (role === null) return false;
  return roles.indexOf(role) >= roles.indexOf(weakest[action]);
}
