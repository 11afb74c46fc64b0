import type { Db, Executor } from '@tasktide/db';
import type { Invoker } from '@tasktide/platform';
import { AppError } from '@tasktide/service-kit';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { preferences, webhooks } from '../db/schema.ts';
import { DEFAULT_IN_APP, KINDS, type Kind, type PreferencesDto, type PutPreferencesInput } from './model.ts';
import { toHhmm, toMinutes } from './quiet-hours.ts';

/** What routing a notification needs: the user's choices, with the defaults for one who made none. */
export interface Routing {
  inApp: Kind[];
  webhooks: { id: string; url: string; description: string; kinds: Kind[] }[];
  quiet: { start: number; end: number } | null;
}

const asKinds = (values: string[]) => values.filter((k): k is Kind => (KINDS as readonly string[]).includes(k));

export async function loadRouting(db: Executor, userId: string): Promise<Routing> {
  const [row] = await db.select().from(preferences).where(eq(preferences.userId, userId));
  const hooks = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.userId, userId), eq(webhooks.active, true)))
    .orderBy(asc(webhooks.createdAt));
  return {
    inApp: row ? asKinds(row.inAppKinds) : DEFAULT_IN_APP,
    webhooks: hooks.map((h) => ({ id: h.id, url: h.url, description: h.description, kinds: asKinds(h.kinds) })),
    quiet: row?.quietStart != null && row.quietEnd != null ? { start: row.quietStart, end: row.quietEnd } : null,
  };
}

/** The user's zone, from the api (it owns accounts); quiet hours are read in it. */
export async function userZone(invoker: Invoker, userId: string): Promise<string> {
  const res = await invoker.invoke('api', `internal/users/${userId}`);
  if (res.status === 404) return 'UTC'; // the account is gone: its user.deleted event follows
  if (!res.ok) throw new Error(`api user lookup failed: ${res.status}`);
  return ((await res.json()) as { timezone: string }).timezone;
}

export function toPreferencesDto(routing: Routing, timezone: string): PreferencesDto {
  return {
    timezone,
    in_app: routing.inApp,
    webhooks: routing.webhooks.map((h) => ({
      webhook_id: h.id,
      url: h.url,
      description: h.description,
      kinds: h.kinds,
    })),
    quiet_hours: routing.quiet ? { start: toHhmm(routing.quiet.start), end: toHhmm(routing.quiet.end) } : null,
  };
}

/** Replaces the user's choices; webhooks named must be the user's active ones. */
export async function savePreferences(db: Db, userId: string, input: PutPreferencesInput, now: Date) {
  const quiet = input.quiet_hours;
  if (quiet && quiet.start === quiet.end) {
    throw new AppError('validation_failed', '/quiet_hours/end: must differ from the start', {
      errors: [{ field: '/quiet_hours/end', message: 'must differ from the start' }],
    });
  }
  await db.transaction(async (tx) => {
    const listed = input.webhooks ?? [];
    if (listed.length) {
      const ids = listed.map((w) => w.webhook_id);
      const mine = await tx
        .select({ id: webhooks.id })
        .from(webhooks)
        .where(and(eq(webhooks.userId, userId), eq(webhooks.active, true), inArray(webhooks.id, ids)));
      const known = new Set(mine.map((h) => h.id));
      const errors = listed.flatMap((w, i) =>
        known.has(w.webhook_id) ? [] : [{ field: `/webhooks/${i}/webhook_id`, message: 'is not one of your webhooks' }],
      );
      if (errors.length) {
        throw new AppError('validation_failed', `${errors[0]?.field}: is not one of your webhooks`, { errors });
      }
      for (const w of listed) {
        await tx.update(webhooks).set({ kinds: w.kinds }).where(eq(webhooks.id, w.webhook_id));
      }
    }
    const values = {
      inAppKinds: input.in_app,
      quietStart: quiet ? toMinutes(quiet.start) : null,
      quietEnd: quiet ? toMinutes(quiet.end) : null,
      updatedAt: now,
    };
    await tx
      .insert(preferences)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: preferences.userId, set: values });
  });
}
