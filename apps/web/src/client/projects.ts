/** Projects as the sidebar orders them, and the members of the projects a screen shows. */
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.ts';
import type { Member, MemberList, Project } from './types.ts';

/** The Inbox first, then the caller's own order (`position`), then name, archived ones last. */
export function sidebarOrder(projects: Project[]): Project[] {
  return [...projects].sort(
    (a, b) =>
      Number(b.is_inbox) - Number(a.is_inbox) ||
      Number(a.archived) - Number(b.archived) ||
      a.position - b.position ||
      a.name.localeCompare(b.name),
  );
}

/**
 * The order after moving `id` one place up (-1) or down (+1) among the non-Inbox, non-archived
 * projects, as the PATCHes that make it so: every moved project gets its index as `position`.
 */
export function reorder(projects: Project[], id: string, by: -1 | 1): { id: string; position: number }[] {
  const movable = sidebarOrder(projects).filter((p) => !p.is_inbox && !p.archived);
  const from = movable.findIndex((p) => p.id === id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= movable.length) return [];
  const next = [...movable];
  [next[from], next[to]] = [next[to] as Project, next[from] as Project];
  // Positions start at 1: the Inbox keeps 0 and stays first whatever happens.
  return next.flatMap((p, i) => (p.position === i + 1 ? [] : [{ id: p.id, position: i + 1 }]));
}

/**
 * Members (active and invited) of each of `projectIds`, loaded once per id and again when
 * `refreshKey` changes; a project the caller cannot read simply has no entry.
 */
export function useMembers(projectIds: string[], refreshKey: unknown = 0): Map<string, Member[]> {
  const [members, setMembers] = useState(new Map<string, Member[]>());
  const key = [...new Set(projectIds)].sort().join(',');
  useEffect(() => {
    let current = true;
    const ids = key ? key.split(',') : [];
    Promise.all(
      ids.map((id) =>
        call<MemberList>('GET', `/projects/${id}/members`).then(
          (list) => [id, list.items] as const,
          () => null,
        ),
      ),
    ).then((entries) => {
      if (current) setMembers(new Map(entries.filter((e) => e !== null)));
    });
    return () => {
      current = false;
    };
  }, [key, refreshKey]);
  return members;
}

/** A member's name for display; "me" for the caller. */
export function memberName(members: Member[] | undefined, userId: string, me: string): string {
  if (userId === me) return 'me';
  return members?.find((m) => m.user_id === userId)?.display_name ?? 'a former member';
}
