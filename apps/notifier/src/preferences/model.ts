import { t } from 'elysia';

/** What a notification is about. Each kind can go to the inbox and to any webhook. */
export const KINDS = ['reminder', 'overdue', 'next_occurrence'] as const;
export type Kind = (typeof KINDS)[number];

/** Before a user chooses: reminders and overdue tasks in the inbox (next occurrences are opt-in). */
export const DEFAULT_IN_APP: Kind[] = ['reminder', 'overdue'];
/** A new webhook gets reminders, as every webhook did before kinds existed. */
export const DEFAULT_WEBHOOK_KINDS: Kind[] = ['reminder'];

export const KindSchema = t.Union([t.Literal('reminder'), t.Literal('overdue'), t.Literal('next_occurrence')], {
  description: 'reminder | overdue | next_occurrence',
});
const Kinds = t.Array(KindSchema, { maxItems: KINDS.length, uniqueItems: true });
const LocalTime = t.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, 24-hour, in your time zone',
});

export const QuietHours = t.Object({ start: LocalTime, end: LocalTime });

export const Preferences = t.Object({
  timezone: t.String({ description: 'Your account’s time zone: quiet hours are read in it' }),
  in_app: Kinds,
  webhooks: t.Array(
    t.Object({
      webhook_id: t.String({ format: 'uuid' }),
      url: t.String(),
      description: t.String(),
      kinds: Kinds,
    }),
  ),
  quiet_hours: t.Union([QuietHours, t.Null()], {
    description:
      'While it is quiet, notifications wait (none is dropped) and arrive when the quiet hours end; those of high-priority tasks come at once',
  }),
});

export const PutPreferencesBody = t.Object({
  in_app: Kinds,
  webhooks: t.Optional(
    t.Array(t.Object({ webhook_id: t.String({ format: 'uuid' }), kinds: Kinds }), {
      maxItems: 100,
      description: 'Kinds per webhook; webhooks not listed keep theirs',
    }),
  ),
  quiet_hours: t.Union([QuietHours, t.Null()]),
});

export type PreferencesDto = typeof Preferences.static;
export type PutPreferencesInput = typeof PutPreferencesBody.static;
