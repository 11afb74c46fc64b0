import type { Db, Tx } from '@tasktide/db';
import type { Invoker, Jobs } from '@tasktide/platform';
import type { Logger } from '@tasktide/service-kit';
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { heldNotifications } from '../db/schema.ts';
import { quietUntil } from '../preferences/quiet-hours.ts';
import { loadRouting, userZone } from '../preferences/service.ts';
import { fanOut, type Notification, type NotificationChannel, type Route } from './channel.ts';

/**
 * Every notification goes through here: the user's preferences say which channels take its kind,
 * and quiet hours (in the user's zone) hold back what is not urgent until they end — held in a row,
 * released once by a job at that time or, if the job never comes, by the sweep. Nothing is dropped
 * but what the user chose not to receive.
 */
export interface DeliveryDeps {
  db: Db;
  channels: NotificationChannel[];
  invoker: Invoker;
  jobs: Jobs;
  now: () => Date;
  /** After a commit that recorded something: wake the channels and the relay. */
  onDelivered?: () => void;
  log?: Logger;
}

export interface DeliveryPlan {
  route: Route;
  /** Set when quiet hours hold it back: when they end. */
  holdUntil: Date | null;
}

export const releaseJobName = (id: string) => `notification-${id}`;

/** Decided before the consuming transaction (it may ask the api for the user's zone). */
export async function planDelivery(deps: DeliveryDeps, n: Notification): Promise<DeliveryPlan | null> {
  const routing = await loadRouting(deps.db, n.userId);
  const route: Route = {
    inApp: routing.inApp.includes(n.kind),
    webhookIds: routing.webhooks.filter((h) => h.kinds.includes(n.kind)).map((h) => h.id),
  };
  if (!route.inApp && !route.webhookIds.length) return null;
  let holdUntil: Date | null = null;
  if (routing.quiet && !n.urgent) {
    const zone = await userZone(deps.invoker, n.userId);
    holdUntil = quietUntil(deps.now(), zone, routing.quiet.start, routing.quiet.end);
  }
  return { route, holdUntil };
}

/** In the consuming transaction: delivers now, or holds it. Returns what to release later. */
export async function applyDelivery(
  tx: Tx,
  channels: NotificationChannel[],
  n: Notification,
  plan: DeliveryPlan | null,
): Promise<{ id: string; releaseAt: Date } | null> {
  if (!plan) return null;
  if (!plan.holdUntil) {
    await fanOut(tx, channels, n, plan.route);
    return null;
  }
  await tx.insert(heldNotifications).values({
    id: n.id,
    userId: n.userId,
    releaseAt: plan.holdUntil,
    notification: { notification: n, route: plan.route },
  });
  return { id: n.id, releaseAt: plan.holdUntil };
}

/** Registers the job that releases a held notification (at least once, never early). */
export async function scheduleRelease(jobs: Jobs, held: { id: string; releaseAt: Date }) {
  await jobs.schedule(releaseJobName(held.id), {
    dueTime: held.releaseAt,
    data: { held_id: held.id },
    overwrite: true,
  });
}

/**
 * Delivers a held notification once its time has come: released_at flips in the transaction that
 * records it on its channels, so a second trigger (job redelivery, the sweep) finds it released.
 */
export async function releaseHeld(deps: DeliveryDeps, id: string): Promise<'released' | 'early' | 'done'> {
  const now = deps.now();
  const outcome = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(heldNotifications)
      .set({ releasedAt: now })
      .where(
        and(eq(heldNotifications.id, id), isNull(heldNotifications.releasedAt), lte(heldNotifications.releaseAt, now)),
      )
      .returning();
    if (!row) return null;
    const { notification, route } = row.notification as { notification: Notification; route: Route };
    // A fresh id: the inbox lists newest first by id, and this one arrives now.
    await fanOut(tx, deps.channels, { ...notification, id: Bun.randomUUIDv7() }, route);
    return 'released' as const;
  });
  if (outcome) {
    deps.onDelivered?.();
    return outcome;
  }
  const [pending] = await deps.db
    .select({ releaseAt: heldNotifications.releaseAt })
    .from(heldNotifications)
    .where(and(eq(heldNotifications.id, id), isNull(heldNotifications.releasedAt)));
  if (!pending) return 'done';
  await scheduleRelease(deps.jobs, { id, releaseAt: pending.releaseAt }); // too early: re-arm
  return 'early';
}

/** The sweep's part: releases held notifications whose job did not come (late, once). */
export async function releaseDue(deps: DeliveryDeps, { graceMs = 30_000, batch = 500 } = {}) {
  const due = await deps.db
    .select({ id: heldNotifications.id })
    .from(heldNotifications)
    .where(
      and(
        isNull(heldNotifications.releasedAt),
        lte(heldNotifications.releaseAt, new Date(deps.now().getTime() - graceMs)),
      ),
    )
    .orderBy(asc(heldNotifications.releaseAt))
    .limit(batch);
  let released = 0;
  for (const { id } of due) {
    try {
      if ((await releaseHeld(deps, id)) === 'released') released++;
    } catch (err) {
      deps.log?.warn({ err, held_id: id }, 'could not release a held notification; the next sweep retries');
    }
  }
  return released;
}
