/** Shapes of the api's JSON, as the browser sees it (the OpenAPI document at /docs/json is the reference). */

export type Priority = 'none' | 'low' | 'medium' | 'high';

export interface User {
  id: string;
  email: string;
  display_name: string;
  timezone: string;
}

export interface Session {
  access_token: string;
  expires_at: string;
  user: User;
}

export interface Task {
  id: string;
  title: string;
  description: string;
  priority: Priority;
  tags: string[];
  due_at: string | null;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  recurrence_mode: RecurrenceMode;
  status: 'open' | 'completed';
  completed_at: string | null;
  series_id: string | null;
  parent_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
}

/** What the task form sends: the create body (PATCH takes the same fields). */
export interface TaskInput {
  title: string;
  description?: string;
  priority: Priority;
  tags: string[];
  due_at: string | null;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  recurrence_mode?: RecurrenceMode;
}

/** When a series' next occurrence appears: on completing this one, or when its due time passes. */
export type RecurrenceMode = 'on_completion' | 'on_schedule';

export interface ParseResult {
  draft: Omit<TaskInput, 'description'>;
  recurrence_text: string | null;
  matches: { kind: string; text: string }[];
  warnings: string[];
}

export interface Preview {
  recurrence: string;
  description: string;
  occurrences: string[];
}

export interface Notification {
  id: string;
  task_id: string | null;
  kind: string;
  title: string;
  body: string;
  read_at: string | null;
  created_at: string;
}

export interface NotificationPage {
  items: Notification[];
  next_cursor: string | null;
  unread_count: number;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

/** What a notification is about; each kind can go to the inbox and to any webhook. */
export type NotificationKind = 'reminder' | 'overdue' | 'next_occurrence';

export interface Webhook {
  id: string;
  url: string;
  description: string;
  active: boolean;
  kinds: NotificationKind[];
  created_at: string;
}

export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AuditEvent {
  seq: number;
  event_id: string;
  event_type: string;
  task_id: string | null;
  occurred_at: string;
  correlation_id: string;
  envelope: { payload?: Record<string, unknown> };
  hash: string;
}

export interface AuditPage {
  items: AuditEvent[];
  next_cursor: string | null;
}

export interface ChainReport {
  ok: boolean;
  rows_checked: number;
  head: { seq: number; hash: string } | null;
  first_broken: { seq: number; event_id: string | null; reason: string; detail: string } | null;
}

export interface NotificationPreferences {
  timezone: string;
  in_app: NotificationKind[];
  webhooks: { webhook_id: string; url: string; description: string; kinds: NotificationKind[] }[];
  quiet_hours: { start: string; end: string } | null;
  digest_time: string;
}

export interface CalendarFeed {
  active: boolean;
  prefix: string | null;
  created_at: string | null;
}

export interface CreatedCalendarFeed {
  url: string;
  path: string;
  prefix: string;
  created_at: string;
}
