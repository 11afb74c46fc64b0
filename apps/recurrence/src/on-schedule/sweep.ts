import type { TaskSnapshot } from '@tasktide/events';
import { createFollowing, type OnScheduleDeps } from './jobs.ts';

type Elapsed = { user_id: string; task: typeof TaskSnapshot.static };

/**
 * The cron-binding sweep (every minute): creates the next occurrence of every series on schedule
 * whose current occurrence elapsed more than `graceMs` ago without one — jobs missed while this
 * service, the scheduler or the api was down, or never registered. Pages through the api's list
 * (keyset), so occurrences of ended series, which stay on it, never hide later ones.
 */
export async function occurrenceSweep(
  deps: OnScheduleDeps,
  { graceMs = 30_000, pageSize = 200, maxPages = 50 }: { graceMs?: number; pageSize?: number; maxPages?: number } = {},
) {
  const before = new Date(deps.clock.now().getTime() - graceMs).toISOString();
  let cursor = '';
  let seen = 0;
  for (let page = 0; page < maxPages; page++) {
    const res = await deps.invoker.invoke(
      'api',
      `internal/recurrence/elapsed?before=${encodeURIComponent(before)}&limit=${pageSize}${cursor}`,
    );
    if (!res.ok) throw new Error(`api answered ${res.status} listing elapsed occurrences`);
    const { items } = (await res.json()) as { items: Elapsed[] };
    for (const item of items) {
      try {
        await createFollowing(deps, item.task, item.user_id);
      } catch (err) {
        deps.log?.warn({ err, task_id: item.task.task_id }, 'sweep could not create an occurrence; next sweep retries');
      }
    }
    seen += items.length;
    const last = items.at(-1);
    if (items.length < pageSize || !last) break;
    cursor = `&after_due_at=${encodeURIComponent(last.task.due_at as string)}&after_id=${last.task.task_id}`;
  }
  return { seen };
}
