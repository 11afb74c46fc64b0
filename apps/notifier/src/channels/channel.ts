import type { Tx } from '@tasktide/db';
import type { ReminderDetails } from '../db/schema.ts';
import type { Kind } from '../preferences/model.ts';

/** Something the user is told: what every channel delivers, in its own way. */
export interface Notification {
  id: string;
  userId: string;
  taskId: string | null;
  kind: Kind;
  title: string;
  body: string;
  /** The event that caused it: a redelivery never notifies twice. */
  sourceEventId: string;
  /** Its type (e.g. reminder.due), which webhook receivers see as the delivery's type. */
  causeType: string;
  correlationId: string;
  traceparent?: string;
  reminder: ReminderDetails | null;
  /** The cause's own payload, for channels that forward it (webhooks). */
  data: Record<string, unknown>;
  /** Comes through quiet hours (a high-priority task's). */
  urgent: boolean;
}

/** Where one notification goes, by the user's preferences at the time it was raised. */
export interface Route {
  inApp: boolean;
  webhookIds: string[];
}

/**
 * A way to reach the user: the in-app inbox, signed webhooks — e-mail, push or chat next. Each
 * records its delivery inside the transaction that consumes the cause, so a notification is
 * delivered exactly once per channel; work outside the database (an HTTP call) happens after
 * commit in the channel's own loop, started and stopped with the notifier.
 *
 * A new channel is one folder with one of these and one line in the notifier's channel list.
 */
export interface NotificationChannel {
  name: string;
  record(tx: Tx, notification: Notification, route: Route): Promise<void>;
  /** Wakes the channel's delivery loop after a commit that recorded something. */
  notify?(): void;
  start?(): void;
  stop?(): Promise<void>;
}

/** Records the notification on every channel its route names, in the caller's transaction. */
export async function fanOut(tx: Tx, channels: NotificationChannel[], notification: Notification, route: Route) {
  for (const channel of channels) await channel.record(tx, notification, route);
}
