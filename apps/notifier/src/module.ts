import type { DbHandle } from '@tasktide/db';
import { defineSubscription, success, topics } from '@tasktide/events';
import { createOutboxRelay, onceInTransaction } from '@tasktide/outbox';
import type { Platform, ServiceModule } from '@tasktide/platform';
import { type Clock, type Logger, remoteAuthenticator, systemClock } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import type { Registry } from 'prom-client';
import { fanOut, type NotificationChannel } from './channels/channel.ts';
import { notificationFromReminder } from './channels/from-reminder.ts';
import { outbox, processedEvents, relayLease } from './db/schema.ts';
import { forgetUser } from './forget-user.ts';
import { inboxChannel } from './inbox/channel.ts';
import { inboxRoutes } from './inbox/index.ts';
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
      return success;
    },
  });
  const inbox = defineSubscription({
    consumer: 'notifier-inbox',
    topic: topics.reminders,
    types: ['reminder.due'],
    handler: async (event) => {
      const applied = await onceInTransaction(db, processedEvents, 'notifier-inbox', event.event_id, (tx) =>
        fanOut(tx, channels, notificationFromReminder(event)),
      );
      if (applied) {
        relay.notify();
        for (const channel of channels) channel.notify?.();
      }
      return success;
    },
  });

  const routes = new Elysia().use(inboxRoutes({ db, authenticate })).use(
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
      const id = typeof data.reminder_id === 'string' ? data.reminder_id : undefined;
      if (id) await fireReminder(fireDeps, id);
    },
    bindings: {
      'reminder-sweep': {
        handler: async () => {
          await reminderSweep(fireDeps, { graceMs: o.sweepGraceMs });
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
