import type { Static } from 'elysia';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { type Catalog, catalog, currentVersion, type EventType } from './catalog.ts';

type Versions<T extends EventType> = Catalog[T];
/** Any version of an event type, as a consumer may receive it. */
export type AnyVersionOf<T extends EventType> = {
  [V in keyof Versions<T>]: Versions<T>[V] extends TSchema ? Static<Versions<T>[V]> : never;
}[keyof Versions<T>];
/** The envelope producers write today. */
export type EventOf<T extends EventType> = Static<Catalog[T][(typeof currentVersion)[T] & keyof Catalog[T]] & TSchema>;
export type PayloadOf<T extends EventType> = EventOf<T>['payload'];
export type AnyEvent = { [T in EventType]: AnyVersionOf<T> }[EventType];

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
  if (!check) return { ok: false, reason: `unknown event type/version ${String(event_type)}@${String(schema_version)}` };
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
    timestamp: new Date().toISOString(),
    correlation_id: ctx.correlationId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    payload,
  };
  const result = parseEvent(event);
  if (!result.ok) throw new Error(`invalid ${type} event: ${result.reason}`);
  return event as EventOf<T>;
}

export function isEventOf<T extends EventType>(event: AnyEvent, type: T): event is Extract<AnyEvent, { event_type: T }> {
  return event.event_type === type;
}
