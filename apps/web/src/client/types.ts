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
}

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
