import type { DbHandle } from '@tasktide/db';
import { defineSubscription, success, topics } from '@tasktide/events';
import { createOutboxRelay, onceInTransaction } from '@tasktide/outbox';
import type { Platform, ServiceModule } from '@tasktide/platform';
import { type Clock, type Logger, remoteAuthenticator, systemClock } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import type { Registry } from 'prom-client';
import type { Notification, NotificationChannel } from './channels/channel.ts';
import {
  applyDelivery,
  type DeliveryDeps,
  planDelivery,
  releaseDue,
  releaseHeld,
  scheduleRelease,
} from './channels/deliver.ts';
import { notificationFromReminder } from './channels/from-reminder.ts';
import { notificationFromOccurrence, notificationFromOverdue } from './channels/from-task.ts';
import { outbox, processedEvents, relayLease } from './db/schema.ts';
import { forgetUser } from './forget-user.ts';
import { inboxChannel } from './inbox/channel.ts';
import { inboxRoutes } from './inbox/index.ts';
import { preferenceRoutes } from './preferences/index.ts';
import { fireReminder } from './reminders/fire.ts';
import { cancelJobs, registerJobs } from './reminders/jobs.ts';
import { createReminderMetrics } from './reminders/metrics.ts';
import { announceScheduled, type JobOps, syncReminders } from './reminders/schedule.ts';
import { reminderSweep } from './reminders/sweep.ts';
import { webhookChannel } from './webhooks/channel.ts';
import { webhookRoutes } from './webhooks/index.ts';
import { createWebhookSender } from './webhooks/sender.ts';

export const NOTIFIER_APP_ID = 'notifier';

export interface NotifierOptions {
  db: DbHandle;
  platform: Platform;
  registry: Registry;
  log?: Logger;
  jwtSecret: string;
  /** Master key webhook secrets are derived from (WEBHOOK_SIGNING_KEY). */
  webhookSigningKey: string;
  /** Allow http:// and private-network webhook URLs (development and tests only). */
  allowPrivateWebhooks: boolean;
  /** How often the sweep runs in embedded mode (under Dapr the cron binding decides: every minute). */
  sweepEveryMs?: number;
  /** How late a reminder must be before the sweep sends it itself. */
  sweepGraceMs?: number;
  webhookBackoffMs?: number;
  /** Decides when a reminder is due and what is already past (a test clock in the model check). */
  clock?: Clock;
}

/**
 * Reminders (Dapr Jobs as triggers, Postgres rows as the truth), the in-app inbox and signed
 * webhooks. The inbox and webhook routes are public (via the ingress); the job callback and the
 * sweep binding are reached only by the sidecar.
 */
export function createNotifierModule(o: NotifierOptions): ServiceModule {
  const db = o.db.db;
  const metrics = createReminderMetrics(o.registry);
  const clock = o.clock ?? systemClock;
  const relay = createOutboxRelay({
    db,
    tables: { outbox, relayLease },
    name: 'notifier',
    pubsub: o.platform.pubsub,
    log: o.log,
    registry: o.registry,
  });
  const sender = createWebhookSender({
    db,
    masterKey: o.webhookSigningKey,
    log: o.log,
    registry: o.registry,
    backoffMs: o.webhookBackoffMs,
    allowPrivate: o.allowPrivateWebhooks,
    onOutboxWrite: relay.notify,
  });
  // Every way the user is told something. A new channel (e-mail, push, chat) is a folder with a
  // NotificationChannel and one entry here.
  const channels: NotificationChannel[] = [inboxChannel(), webhookChannel(sender)];
  const fireDeps = {
    db,
    invoker: o.platform.invoker,
    jobs: o.platform.jobs,
    metrics,
    onOutboxWrite: relay.notify,
    log: o.log,
    now: () => clock.now(),
  };
  const authenticate = remoteAuthenticator({ jwtSecret: o.jwtSecret, invoker: o.platform.invoker, clock });
  const delivery: DeliveryDeps = {
    db,
    channels,
    invoker: o.platform.invoker,
    jobs: o.platform.jobs,
    now: () => clock.now(),
    log: o.log,
    onDelivered: () => {
      relay.notify();
      for (const channel of channels) channel.notify?.();
    },
  };
  /**
   * Raises a notification once per cause event: preferences and quiet hours are read first, the
   * delivery (or the hold) is recorded with the consumer's ledger entry, the release job follows.
   */
  const notifyOnce = async (consumer: string, eventId: string, n: Notification) => {
    const plan = await planDelivery(delivery, n);
    let held: Awaited<ReturnType<typeof applyDelivery>> = null;
    const applied = await onceInTransaction(db, processedEvents, consumer, eventId, async (tx) => {
      held = await applyDelivery(tx, channels, n, plan);
    });
    if (!applied) return;
    if (held) await scheduleRelease(o.platform.jobs, held);
    else delivery.onDelivered?.();
  };

  const planner = defineSubscription({
    consumer: 'notifier-reminders',
    topic: topics.taskEvents,
    types: ['task.created', 'task.updated', 'task.completed', 'task.deleted', 'user.deleted'],
    handler: async (event) => {
      let ops: JobOps = { register: [], cancel: [] };
      await onceInTransaction(db, processedEvents, 'notifier-reminders', event.event_id, async (tx) => {
        ops =
          event.event_type === 'user.deleted'
            ? await forgetUser(tx, event.user_id)
            : await syncReminders(tx, event, clock.now());
        await announceScheduled(tx, event, ops.register);
      });
      if (ops.register.length) relay.notify();
      // Jobs live outside the database: registered after commit. A crash here leaves rows marked
      // unregistered, which the sweep registers; a stale job that fires finds a cancelled row.
      await registerJobs({ db, jobs: o.platform.jobs, metrics }, ops.register);
      await cancelJobs(o.platform.jobs, ops.cancel);
      // A recurrence's next occurrence is news to its user. Its own ledger entry: a failure here
      // retries only this part, the plan above is already recorded.
      if (event.event_type === 'task.created') {
        const n = notificationFromOccurrence(event);
        if (n) await notifyOnce('notifier-occurrences', event.event_id, n);
      }
      return success;
    },
  });
  const inbox = defineSubscription({
    consumer: 'notifier-inbox',
    topic: topics.reminders,
    types: ['reminder.due', 'task.overdue'],
    handler: async (event) => {
      const n = event.event_type === 'reminder.due' ? notificationFromReminder(event) : notificationFromOverdue(event);
      await notifyOnce('notifier-inbox', event.event_id, n);
      return success;
    },
  });
  const routes = new Elysia()
    .use(preferenceRoutes({ db, authenticate, invoker: o.platform.invoker, clock }))
    .use(inboxRoutes({ db, authenticate }))
    .use(
      webhookRoutes({
        db,
        authenticate,
        masterKey: o.webhookSigningKey,
        allowPrivate: o.allowPrivateWebhooks,
        onRedeliver: sender.notify,
      }),
    );

  return {
    appId: NOTIFIER_APP_ID,
    routes,
    subscriptions: [planner, inbox],
    onJob: async (_name, data) => {
      if (typeof data.reminder_id === 'string') await fireReminder(fireDeps, data.reminder_id);
      if (typeof data.held_id === 'string') await releaseHeld(delivery, data.held_id);
    },
    bindings: {
      'reminder-sweep': {
        // One cron binding for every catch-up: missed reminders, unregistered jobs, held notifications.
        handler: async () => {
          await reminderSweep(fireDeps, { graceMs: o.sweepGraceMs });
          await releaseDue(delivery, { graceMs: o.sweepGraceMs });
        },
        embeddedEveryMs: o.sweepEveryMs ?? 60_000,
      },
    },
    start() {
      relay.start();
      for (const channel of channels) channel.start?.();
    },
    async stop() {
      for (const channel of channels) await channel.stop?.();
      await relay.stop();
    },
    pending: () => relay.pending(),
  };
}
