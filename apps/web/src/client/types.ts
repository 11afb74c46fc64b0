/**
 * Shapes of the services' JSON, as the browser sees it — derived from the TypeBox schemas the
 * services validate and document their responses with, so changing a schema breaks this build
 * instead of the page. The imports are type-only: no schema (nor elysia, nor any server module)
 * gets into the browser bundle.
 *
 * Every date in these schemas is `t.String({ format: 'date-time' })`, so a schema's static type is
 * already its JSON (an ISO 8601 string, never a Date); where the web narrows or reshapes a schema,
 * the type says so.
 */
import type * as api from '@tasktide/api/model';
import type * as audit from '@tasktide/audit/model';
import type * as notifier from '@tasktide/notifier/model';
import type { Static } from 'elysia';

// --- api: accounts ---------------------------------------------------------------------------------

export type User = Static<typeof api.User>;
export type Session = Static<typeof api.Session>;

// --- api: tasks ------------------------------------------------------------------------------------

export type Priority = Static<typeof api.Priority>;
/** When a series' next occurrence appears: on completing this one, or when its due time passes. */
export type RecurrenceMode = Static<typeof api.RecurrenceMode>;
export type Task = Static<typeof api.Task>;
export type TaskPage = Static<typeof api.TaskPage>;

type CreateTaskBody = Static<typeof api.CreateTaskBody>;
/**
 * What the task form sends: the create body (PATCH takes the same fields), narrowed — the form
 * always sends every field but `description` and `recurrence_mode`, which the body makes optional.
 */
export type TaskInput = Required<
  Omit<CreateTaskBody, 'description' | 'recurrence_mode' | 'project_id' | 'assignee_id'>
> &
  Pick<CreateTaskBody, 'description' | 'recurrence_mode' | 'project_id' | 'assignee_id'>;

/** POST /tasks/parse: a draft shaped like the create body, and what was understood. */
export type ParseResult = Static<typeof api.ParseResult>;
/** POST /recurrence/preview. */
export type Preview = Static<typeof api.Preview>;

// --- api: projects, members, invitations, comments -------------------------------------------------

/** A project as its caller sees it: `role` and `position` are the caller's own. */
export type Project = Static<typeof api.Project>;
export type ProjectList = Static<typeof api.ProjectList>;
export type Member = Static<typeof api.Member>;
export type MemberList = Static<typeof api.MemberList>;
export type MemberRole = Member['role'];
export type Invitation = Static<typeof api.Invitation>;
export type InvitationList = Static<typeof api.InvitationList>;
export type Comment = Static<typeof api.Comment>;
export type CommentPage = Static<typeof api.CommentPage>;

// --- api: tokens and calendar feed ------------------------------------------------------------------

export type ApiToken = Static<typeof api.ApiToken>;
export type CreatedApiToken = Static<typeof api.CreatedApiToken>;
export type CalendarFeed = Static<typeof api.CalendarFeed>;
export type CreatedCalendarFeed = Static<typeof api.CreatedCalendarFeed>;

// --- notifier ----------------------------------------------------------------------------------------

export type Notification = Static<typeof notifier.Notification>;
export type NotificationPage = Static<typeof notifier.NotificationPage>;
/** What a notification is about; each kind can go to the inbox and to any webhook. */
export type NotificationKind = Static<typeof notifier.KindSchema>;
export type NotificationPreferences = Static<typeof notifier.Preferences>;
export type Webhook = Static<typeof notifier.Webhook>;
export type CreatedWebhook = Static<typeof notifier.CreatedWebhook>;
export type Delivery = Static<typeof notifier.Delivery>;

// --- audit -------------------------------------------------------------------------------------------

type AuditEventDto = Static<typeof audit.AuditEvent>;
/**
 * An audit row. The schema types `envelope` as an open record (`Record<string, unknown>`): it is the
 * event exactly as published, whatever its type and version. Every published envelope carries the
 * event's fields under `payload` (@tasktide/events `envelopeSchema`); the log reads only that, and
 * loosely, so the web narrows `envelope` to an optional `payload` record — still a subtype of the
 * schema's record.
 */
export type AuditEvent = Omit<AuditEventDto, 'envelope'> & {
  envelope: AuditEventDto['envelope'] & { payload?: Record<string, unknown> };
};
export type AuditPage = Omit<Static<typeof audit.AuditEventPage>, 'items'> & { items: AuditEvent[] };
export type ChainReport = Static<typeof audit.ChainReport>;
