import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Static } from 'elysia';
import { catalog, currentVersion, type EventType } from './catalog.ts';

/** The schema producers write today, per event type. */
const currentSchemas = {
  'task.created': catalog['task.created'][currentVersion['task.created']],
  'task.updated': catalog['task.updated'][currentVersion['task.updated']],
  'task.completed': catalog['task.completed'][currentVersion['task.completed']],
  'task.deleted': catalog['task.deleted'][currentVersion['task.deleted']],
  'task.recurrence': catalog['task.recurrence'][currentVersion['task.recurrence']],
  'reminder.scheduled': catalog['reminder.scheduled'][currentVersion['reminder.scheduled']],
  'reminder.due': catalog['reminder.due'][currentVersion['reminder.due']],
  'task.overdue': catalog['task.overdue'][currentVersion['task.overdue']],
  'notification.created': catalog['notification.created'][currentVersion['notification.created']],
  'notification.failed': catalog['notification.failed'][currentVersion['notification.failed']],
  'user.deleted': catalog['user.deleted'][currentVersion['user.deleted']],
  'user.updated': catalog['user.updated'][currentVersion['user.updated']],
  'project.created': catalog['project.created'][currentVersion['project.created']],
  'project.updated': catalog['project.updated'][currentVersion['project.updated']],
  'project.deleted': catalog['project.deleted'][currentVersion['project.deleted']],
  'member.added': catalog['member.added'][currentVersion['member.added']],
  'member.role_changed': catalog['member.role_changed'][currentVersion['member.role_changed']],
  'member.removed': catalog['member.removed'][currentVersion['member.removed']],
  'comment.created': catalog['comment.created'][currentVersion['comment.created']],
  'comment.updated': catalog['comment.updated'][currentVersion['comment.updated']],
  'comment.deleted': catalog['comment.deleted'][currentVersion['comment.deleted']],
};

// Spelled out per type (not derived with conditional types) to keep the compiler fast: deriving
// these through nested generics hit TypeScript's instantiation depth limit.
export interface EventMap {
  'task.created': Static<(typeof currentSchemas)['task.created']>;
  'task.updated': Static<(typeof currentSchemas)['task.updated']>;
  'task.completed': Static<(typeof currentSchemas)['task.completed']>;
  'task.deleted': Static<(typeof currentSchemas)['task.deleted']>;
  'task.recurrence': Static<(typeof currentSchemas)['task.recurrence']>;
  'reminder.scheduled': Static<(typeof currentSchemas)['reminder.scheduled']>;
  'reminder.due': Static<(typeof currentSchemas)['reminder.due']>;
  'task.overdue': Static<(typeof currentSchemas)['task.overdue']>;
  'notification.created': Static<(typeof currentSchemas)['notification.created']>;
  'notification.failed': Static<(typeof currentSchemas)['notification.failed']>;
  'user.deleted': Static<(typeof currentSchemas)['user.deleted']>;
  'user.updated': Static<(typeof currentSchemas)['user.updated']>;
  'project.created': Static<(typeof currentSchemas)['project.created']>;
  'project.updated': Static<(typeof currentSchemas)['project.updated']>;
  'project.deleted': Static<(typeof currentSchemas)['project.deleted']>;
  'member.added': Static<(typeof currentSchemas)['member.added']>;
  'member.role_changed': Static<(typeof currentSchemas)['member.role_changed']>;
  'member.removed': Static<(typeof currentSchemas)['member.removed']>;
  'comment.created': Static<(typeof currentSchemas)['comment.created']>;
  'comment.updated': Static<(typeof currentSchemas)['comment.updated']>;
  'comment.deleted': Static<(typeof currentSchemas)['comment.deleted']>;
}

/** The envelope producers write today. */
export type EventOf<T extends EventType> = EventMap[T];
export type PayloadOf<T extends EventType> = EventMap[T]['payload'];
/**
 * Any version of an event type a consumer may receive. With one version per type today this is the
 * current type; when a v2 appears, add the older version to the union here.
 */
export type AnyVersionOf<T extends EventType> = EventMap[T];
export type AnyEvent = EventMap[EventType];

const compiled = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();
for (const [type, versions] of Object.entries(catalog)) {
  for (const [version, schema] of Object.entries(versions)) {
    compiled.set(`${type}@${version}`, TypeCompiler.Compile(schema as TSchema));
  }
}

export type ParseResult = { ok: true; event: AnyEvent } | { ok: false; reason: string };

/** Validates an envelope of any known type and version; consumers call this on every delivery. */
export function parseEvent(data: unknown): ParseResult {
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'event is not an object' };
  const { event_type, schema_version } = data as { event_type?: unknown; schema_version?: unknown };
  const check = compiled.get(`${String(event_type)}@${String(schema_version)}`);
  if (!check)
    return { ok: false, reason: `unknown event type/version ${String(event_type)}@${String(schema_version)}` };
  if (!check.Check(data)) {
    const first = check.Errors(data).First();
    return { ok: false, reason: `${String(event_type)}: ${first?.path || '/'} ${first?.message ?? 'invalid'}` };
  }
  return { ok: true, event: data as AnyEvent };
}

export interface EventContext {
  userId: string;
  correlationId: string;
  traceparent?: string;
  /** When the change happened, by the producer's clock (default: now). */
  at?: Date;
}

/**
 * Builds a current-version envelope and validates it (a producer bug fails loudly here, not in a consumer).
 *
 * @example
 * const event = createEvent('task.deleted', { task_id, scope: 'occurrence', series_id: null }, ctx)
 */
export function createEvent<T extends EventType>(type: T, payload: PayloadOf<T>, ctx: EventContext): EventOf<T> {
  const event = {
    event_id: Bun.randomUUIDv7(),
    event_type: type,
    schema_version: currentVersion[type],
    user_id: ctx.userId,
    timestamp: (ctx.at ?? new Date()).toISOString(),
    correlation_id: ctx.correlationId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    payload,
  };
  const result = parseEvent(event);
  if (!result.ok) throw new Error(`invalid ${type} event: ${result.reason}`);
  return event as unknown as EventOf<T>;
}
