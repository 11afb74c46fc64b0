import type { Logger } from '@tasktide/service-kit';
import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { reminders } from '../db/schema.ts';
import { type FireDeps, fireReminder } from './fire.ts';
import { registerJobs } from './jobs.ts';

/**
 * The cron-binding sweep (every minute): sends, late and once, reminders whose trigger was missed
 * while the notifier or the scheduler was down, and registers jobs that were never registered
 * (a crash between commit and registration).
 */
export async function reminderSweep(
  deps: FireDeps & { log?: Logger },
  { graceMs = 30_000, batch = 500 }: { graceMs?: number; batch?: number } = {},
) {
  const now = deps.now?.() ?? new Date();
  const overdue = await deps.db
    .select({ id: reminders.id })
    .from(reminders)
    .where(and(eq(reminders.status, 'scheduled'), lte(reminders.remindAt, new Date(now.getTime() - graceMs))))
    .orderBy(asc(reminders.remindAt))
    .limit(batch);
  let sent = 0;
  for (const { id } of overdue) {
    try {
      if ((await fireReminder(deps, id, { viaSweep: true })) === 'sent') sent++;
    } catch (err) {
      deps.log?.warn({ err, reminder_id: id }, 'sweep could not fire a reminder; next sweep retries');
    }
  }
  const unregistered = await deps.db
    .select()
    .from(reminders)
    .where(and(eq(reminders.status, 'scheduled'), eq(reminders.jobRegistered, false), gt(reminders.remindAt, now)))
    .limit(batch);
  await registerJobs(deps, unregistered);
  return { sent, registered: unregistered.length };
}
