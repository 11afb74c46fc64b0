import type { Db } from '@tasktide/db';
import { backoffDelay, type Clock, type Logger, systemClock } from '@tasktide/service-kit';
import { and, asc, eq, lte } from 'drizzle-orm';
import type { JobHandler, Jobs } from '../ports.ts';
import { jobs } from './schema.ts';

/**
 * Persisted one-shot jobs with the Dapr Jobs contract: never early, at least once, survive a
 * restart (they live in the database); a failing callback is retried with backoff.
 */
export function createEmbeddedScheduler({
  db,
  log,
  pollMs = 200,
  backoffMs = 1_000,
  clock = systemClock,
}: {
  db: Db;
  log?: Logger;
  pollMs?: number;
  backoffMs?: number;
  /** "Due" is judged by this clock; a test clock's jump wakes the poller at once. */
  clock?: Clock;
}) {
  const handlers = new Map<string, JobHandler>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick() {
    if (!handlers.size) return;
    const due = await db
      .select()
      .from(jobs)
      .where(lte(jobs.dueTime, clock.now()))
      .orderBy(asc(jobs.dueTime))
      .limit(100);
    for (const job of due) {
      const handler = handlers.get(job.appId);
      if (!handler || stopped) continue;
      const where = and(eq(jobs.appId, job.appId), eq(jobs.name, job.name), eq(jobs.dueTime, job.dueTime));
      try {
        await handler(job.name, job.data as Record<string, unknown>);
        // Only delete the occurrence we fired: a job rescheduled meanwhile keeps its new time.
        await db.delete(jobs).where(where);
      } catch (err) {
        log?.warn({ err, job: job.name }, 'job callback failed; retrying');
        const delay = backoffDelay(job.attempts + 1, backoffMs, backoffMs * 64);
        await db
          .update(jobs)
          .set({ attempts: job.attempts + 1, dueTime: new Date(clock.now().getTime() + delay) })
          .where(where);
      }
    }
  }

  clock.onAdvance?.(() => {
    // Time jumped: look now rather than at the next poll (a tick in progress reschedules itself).
    if (timer && !stopped) {
      clearTimeout(timer);
      timer = undefined;
      loop();
    }
  });

  function loop() {
    if (stopped) return;
    timer = undefined;
    running = tick()
      .catch((err) => log?.error({ err }, 'embedded scheduler tick failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  }

  return {
    forApp(appId: string): Jobs {
      return {
        async schedule(name, spec) {
          const row = { appId, name, dueTime: spec.dueTime, data: spec.data, attempts: 0 };
          if (spec.overwrite === false) {
            const inserted = await db.insert(jobs).values(row).onConflictDoNothing().returning({ name: jobs.name });
            if (!inserted.length) throw new Error(`job ${name} already exists`);
            return;
          }
          await db
            .insert(jobs)
            .values(row)
            .onConflictDoUpdate({
              target: [jobs.appId, jobs.name],
              set: { dueTime: row.dueTime, data: row.data, attempts: 0 },
            });
        },
        async delete(name) {
          await db.delete(jobs).where(and(eq(jobs.appId, appId), eq(jobs.name, name)));
        },
        async get(name) {
          const [row] = await db
            .select()
            .from(jobs)
            .where(and(eq(jobs.appId, appId), eq(jobs.name, name)));
          return row ? { name: row.name, dueTime: row.dueTime.toISOString(), data: row.data } : null;
        },
      };
    },
    /** Jobs due by the clock and not yet acknowledged (zero when the scheduler has caught up). */
    async due(): Promise<number> {
      const rows = await db.select({ name: jobs.name }).from(jobs).where(lte(jobs.dueTime, clock.now()));
      return rows.length;
    },
    /** Stops firing an app's jobs (its service stopped); they wait for the next register(). */
    unregister(appId: string) {
      handlers.delete(appId);
    },
    register(appId: string, handler: JobHandler) {
      handlers.set(appId, handler);
      if (!timer && !running) loop();
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
