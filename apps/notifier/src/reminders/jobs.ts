import type { Db } from '@tasktide/db';
import type { Jobs } from '@tasktide/platform';
import { and, eq } from 'drizzle-orm';
import { type ReminderRow, reminders } from '../db/schema.ts';
import type { ReminderMetrics } from './metrics.ts';
import { jobNameOf } from './schedule.ts';

/** Registers (overwrites) each reminder's job, then marks the row registered for that very time. */
export async function registerJobs(deps: { db: Db; jobs: Jobs; metrics: ReminderMetrics }, rows: ReminderRow[]) {
  for (const row of rows) {
    await deps.jobs.schedule(jobNameOf(row.id), {
      dueTime: row.remindAt,
      data: { reminder_id: row.id },
      overwrite: true,
    });
    await deps.db
      .update(reminders)
      .set({ jobRegistered: true })
      .where(and(eq(reminders.id, row.id), eq(reminders.remindAt, row.remindAt)));
    deps.metrics.scheduled.inc();
  }
}

export async function cancelJobs(jobs: Jobs, reminderIds: string[]) {
  for (const id of reminderIds) await jobs.delete(jobNameOf(id));
}
