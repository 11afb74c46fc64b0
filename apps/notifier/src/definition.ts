import { defineService } from '@tasktide/platform';
import { ConfigType as T } from '@tasktide/service-kit';
import { notifierMigrations } from './db/migrations.ts';
import { createNotifierModule, NOTIFIER_APP_ID } from './module.ts';

/** The notifier's own env keys. */
export const notifierConfigSchema = T.Object({
  /** Allow http:// and private-network webhook URLs; default: only outside production. */
  ALLOW_PRIVATE_WEBHOOKS: T.Optional(T.Boolean()),
  /** How often the reminder sweep runs in embedded mode (under Dapr the cron binding decides). */
  REMINDER_SWEEP_EVERY_MS: T.Optional(T.Integer({ minimum: 10 })),
  /** How late a reminder must be before the sweep sends it itself. */
  REMINDER_SWEEP_GRACE_MS: T.Optional(T.Integer({ minimum: 0 })),
  /** First webhook retry delay (doubles per attempt). */
  WEBHOOK_BACKOFF_MS: T.Optional(T.Integer({ minimum: 1 })),
});

/** The notifier's composition root: reminders, the inbox and signed webhooks. */
export const notifierService = defineService({
  appId: NOTIFIER_APP_ID,
  config: notifierConfigSchema,
  secrets: {
    required: ['JWT_SECRET', 'WEBHOOK_SIGNING_KEY'],
    generatedInDev: ['JWT_SECRET', 'WEBHOOK_SIGNING_KEY'],
  },
  migrations: [notifierMigrations],
  create({ config, secrets, db, platform, logger, metrics, clock }) {
    if (!db) throw new Error('the notifier needs a database');
    return createNotifierModule({
      db,
      platform,
      registry: metrics.registry,
      log: logger,
      jwtSecret: secrets.JWT_SECRET as string,
      webhookSigningKey: secrets.WEBHOOK_SIGNING_KEY as string,
      allowPrivateWebhooks: config.ALLOW_PRIVATE_WEBHOOKS ?? config.NODE_ENV !== 'production',
      sweepEveryMs: config.REMINDER_SWEEP_EVERY_MS,
      sweepGraceMs: config.REMINDER_SWEEP_GRACE_MS,
      webhookBackoffMs: config.WEBHOOK_BACKOFF_MS,
      clock,
    });
  },
});
