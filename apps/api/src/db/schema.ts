import { outboxTables } from '@tasktide/outbox/tables';
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The api owns the `api` schema; no other app reads these tables. */
export const apiSchema = pgSchema('api');

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
// Millisecond precision: what JS Dates hold, so keyset cursors compare exactly.
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const priority = apiSchema.enum('priority', ['none', 'low', 'medium', 'high']);
export const taskStatus = apiSchema.enum('task_status', ['open', 'completed']);
/**
 * When a recurring series gets its next occurrence: when the current one is completed (the
 * default), or when its due time passes, completed or not (Dapr Jobs in the recurrence service).
 */
export const recurrenceMode = apiSchema.enum('recurrence_mode', ['on_completion', 'on_schedule']);

export const users = apiSchema.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    timezone: text('timezone').notNull(),
    /** Access tokens issued before this (a password change) no longer authenticate. */
    tokensValidAfter: ts('tokens_valid_after'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const apiTokens = apiSchema.table(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** sha256 of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** First characters of the token so a user can tell tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

export const projectRole = apiSchema.enum('project_role', ['viewer', 'editor', 'admin']);
export const memberStatus = apiSchema.enum('member_status', ['active', 'invited']);

/**
 * A list of tasks shared by its members. Every user has exactly one Inbox (made at sign-up; it is
 * never shared or deleted): where a task goes when no project is named.
 */
export const projects = apiSchema.table(
  'projects',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    color: text('color'),
    archivedAt: ts('archived_at'),
    isInbox: boolean('is_inbox').notNull().default(false),
    /** Null once the creator's account is deleted (a shared project stays with its other members). */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('projects_one_inbox_key').on(t.createdBy).where(sql`${t.isInbox}`)],
);

/** Who belongs to a project, with which role; `invited` until the user accepts. */
export const projectMembers = apiSchema.table(
  'project_members',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: projectRole('role').notNull(),
    /** This member's own sidebar order (each member orders their projects their way). */
    position: integer('position').notNull().default(0),
    status: memberStatus('status').notNull().default('active'),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId, t.status)],
);

export const tasks = apiSchema.table(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    /** The task's creator (its events' user until the task is shared: see the project's members). */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The project the task belongs to: who may see and change it is decided by its members. */
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** A member of the project the task is assigned to (unassigned when they leave). */
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    priority: priority('priority').notNull().default('none'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    dueAt: ts('due_at'),
    timezone: text('timezone').notNull(),
    reminders: integer('reminders').array().notNull().default(sql`'{}'::integer[]`),
    recurrence: text('recurrence'),
    recurrenceMode: recurrenceMode('recurrence_mode').notNull().default('on_completion'),
    /**
     * This occurrence's successor was created (and may since have been deleted by its user): a
     * schedule or a repeated completion never brings a deleted next occurrence back. Reset when a
     * reopen takes the successor back.
     */
    nextCreated: boolean('next_created').notNull().default(false),
    status: taskStatus('status').notNull().default('open'),
    completedAt: ts('completed_at'),
    /** First task of a recurring series (itself for the first one); null when not recurring. */
    seriesId: uuid('series_id'),
    /** The occurrence this one was created from. */
    parentId: uuid('parent_id'),
    /** Due time of the series' first occurrence: the RRULE anchor (DTSTART) for every later one. */
    seriesStart: ts('series_start'),
    /** 0 for the first occurrence of a series, +1 for each next one (COUNT is counted with it). */
    occurrenceIndex: integer('occurrence_index').notNull().default(0),
    /** Event that created this occurrence: a redelivered completion finds it and creates nothing. */
    sourceEventId: uuid('source_event_id'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, title || ' ' || description || ' ' || api.immutable_array_to_string(tags, ' '))`,
    ),
    /** The same text, lower-cased, for pg_trgm's typo- and substring-tolerant matching. */
    searchText: text('search_text').generatedAlwaysAs(
      sql`lower(title || ' ' || description || ' ' || api.immutable_array_to_string(tags, ' '))`,
    ),
  },
  (t) => [
    // The creator's tasks (account deletion; the cascade of users.id).
    index('tasks_user_created_idx').on(t.userId, t.createdAt, t.id),
    // Lists read by project since tasks are shared (list.ts names the projects): a project's tasks
    // in list order (the default sort), in due order, and of one status and priority in due order
    // — a search sorted by priority and due date walks the last one and stops after a page (see
    // listStatement). They replace the (user, …) forms, which no query used any more.
    index('tasks_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('tasks_project_due_idx').on(t.projectId, t.dueAt),
    index('tasks_project_status_priority_due_idx').on(t.projectId, t.status, t.priority, t.dueAt, t.id),
    // A member's assigned tasks.
    index('tasks_assignee_idx').on(t.assigneeId),
    index('tasks_series_idx').on(t.seriesId),
    // The recurrence sweep's walk: open occurrences of series on schedule, in due order (few rows).
    index('tasks_on_schedule_due_idx')
      .on(t.dueAt, t.id)
      .where(sql`${t.recurrenceMode} = 'on_schedule' and ${t.status} = 'open' and not ${t.nextCreated}`),
    // Single-column on purpose: the planner ORs the two (BitmapOr) and filters the user after; with
    // user_id in front (btree_gin) it prices reading all the user's entries and scans them instead.
    index('tasks_search_idx').using('gin', t.search),
    index('tasks_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')),
    index('tasks_tags_idx').using('gin', t.tags),
    uniqueIndex('tasks_source_event_key').on(t.sourceEventId),
    // One successor per occurrence: the next slot of a series is created at most once.
    uniqueIndex('tasks_parent_key').on(t.parentId),
  ],
);

/** A member's comment on a task; goes with its task. */
export const comments = apiSchema.table(
  'comments',
  {
    id: uuid('id').primaryKey(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('comments_task_created_idx').on(t.taskId, t.createdAt, t.id)],
);

export const idempotencyKeys = apiSchema.table(
  'idempotency_keys',
  {
    /** `user:<id>` for authenticated calls, `anon` for register/login. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still running. */
    status: integer('status'),
    body: text('body'),
    contentType: text('content_type'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/** Transactional outbox + relay lease (shared shape, see @tasktide/outbox outboxTables). */
export const { outbox, relayLease } = outboxTables(apiSchema);

export type UserRow = typeof users.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type ProjectMemberRow = typeof projectMembers.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;

/** Series whose future was cancelled (delete with scope=series): no new occurrence is created. */
export const seriesCancellations = apiSchema.table('series_cancellations', {
  seriesId: uuid('series_id').primaryKey(),
  userId: uuid('user_id').notNull(),
  cancelledAt: ts('cancelled_at').notNull().defaultNow(),
});

/**
 * A user's secret calendar (iCalendar) feed: the URL carries a token whose SHA-256 is kept here,
 * shown once like an API token. One per user; creating a new one replaces (revokes) the old.
 */
export const calendarFeeds = apiSchema.table(
  'calendar_feeds',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_feeds_token_key').on(t.tokenHash)],
);
