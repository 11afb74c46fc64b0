import { t } from 'elysia';
import { Priority } from '../model.ts';

export const ParseBody = t.Object({
  text: t.String({
    minLength: 1,
    maxLength: 1000,
    description: 'What the user typed, e.g. "pay rent every month on the 1st at 9am #bills !high"',
    examples: ['pay rent every month on the 1st at 9am #bills !high'],
  }),
  timezone: t.Optional(
    t.String({ minLength: 1, maxLength: 64, description: "IANA time zone to read dates in; defaults to the user's" }),
  ),
  now: t.Optional(
    t.String({
      format: 'date-time',
      description: 'The instant "tomorrow" and "next friday" are relative to; defaults to the server clock',
    }),
  ),
});

const MatchKind = t.Union([
  t.Literal('date'),
  t.Literal('recurrence'),
  t.Literal('tag'),
  t.Literal('priority'),
  t.Literal('reminder'),
  t.Literal('project'),
]);

/** The draft is shaped like the create body, so a client can POST it to /tasks as it is. */
export const TaskDraft = t.Object({
  title: t.String({ description: 'What is left once dates, tags and the like are taken out; may be empty' }),
  priority: Priority,
  tags: t.Array(t.String(), { description: 'From #tag, lower-cased' }),
  due_at: t.Union([t.String({ format: 'date-time', description: "With the offset of the task's zone" }), t.Null()]),
  timezone: t.String(),
  reminders: t.Array(t.Integer(), { description: 'Minutes before the due time' }),
  recurrence: t.Union([t.String({ description: 'Normalized RRULE' }), t.Null()]),
  project_id: t.Optional(
    t.String({ format: 'uuid', description: 'From +project (one of mine, by name); absent: the Inbox' }),
  ),
});

export const ParseResult = t.Object({
  draft: TaskDraft,
  recurrence_text: t.Union([t.String({ description: 'The rule in words, e.g. "every month on the 1st"' }), t.Null()]),
  matches: t.Array(t.Object({ kind: MatchKind, text: t.String() }), {
    description: 'The phrases that were understood, in the order they appear in the text',
  }),
  warnings: t.Array(t.String(), { description: 'Things the draft cannot be created with as it is' }),
});

export type ParseInput = typeof ParseBody.static;
export type TaskDraftDto = typeof TaskDraft.static;
export type ParseResultDto = typeof ParseResult.static;
export type MatchKindName = typeof MatchKind.static;
