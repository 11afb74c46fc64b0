/**
 * Golden table for the quick-add reader: one phrasing per row, fixed clock and zone. The clock is
 * Sunday 2026-03-15 14:30 in Berlin (CET, +01:00); Berlin moves to CEST (+02:00) on 2026-03-29,
 * so rows due after that show the summer offset.
 */
import { describe, expect, test } from 'bun:test';
import type { TaskDraftDto } from './model.ts';
import { parseQuickAdd } from './service.ts';

const now = new Date('2026-03-15T13:30:00Z');
type Expected = Partial<TaskDraftDto>;

const berlin: Array<[text: string, expected: Expected]> = [
  [
    'pay rent every month on the 1st at 9am #bills !high',
    {
      title: 'pay rent',
      due_at: '2026-04-01T09:00:00+02:00',
      recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1',
      tags: ['bills'],
      priority: 'high',
      reminders: [],
    },
  ],
  // plain titles and one-off dates
  ['Buy milk', { title: 'Buy milk', due_at: null, recurrence: null, priority: 'none', tags: [] }],
  ['buy milk tomorrow', { title: 'buy milk', due_at: '2026-03-16T09:00:00+01:00' }],
  ['buy milk tomorrow at 5pm', { title: 'buy milk', due_at: '2026-03-16T17:00:00+01:00' }],
  ['call bob friday at 5pm', { title: 'call bob', due_at: '2026-03-20T17:00:00+01:00' }],
  [
    'call bob on friday about the invoice at 5pm',
    { title: 'call bob about the invoice', due_at: '2026-03-20T17:00:00+01:00' },
  ],
  ['lunch with ana next tuesday at noon', { title: 'lunch with ana', due_at: '2026-03-17T12:00:00+01:00' }],
  ['submit report due march 31', { title: 'submit report', due_at: '2026-03-31T09:00:00+02:00' }],
  ['doctor 2026-04-02 10:30', { title: 'doctor', due_at: '2026-04-02T10:30:00+02:00' }],
  ['dentist on march 3 at 14:30', { title: 'dentist', due_at: '2027-03-03T14:30:00+01:00' }],
  ['pay taxes in april', { title: 'pay taxes', due_at: '2026-04-01T09:00:00+02:00' }],
  ['check oven in 30 minutes', { title: 'check oven', due_at: '2026-03-15T15:00:00+01:00' }],
  ['book flight in 2 hours', { title: 'book flight', due_at: '2026-03-15T16:30:00+01:00' }],
  ['ship release in 3 days', { title: 'ship release', due_at: '2026-03-18T09:00:00+01:00' }],
  ['read tonight', { title: 'read', due_at: '2026-03-15T20:00:00+01:00' }],
  ['flowers tomorrow morning', { title: 'flowers', due_at: '2026-03-16T08:00:00+01:00' }],
  ['call mom tomorrow 6pm', { title: 'call mom', due_at: '2026-03-16T18:00:00+01:00' }],
  ['thus it goes', { title: 'thus it goes', due_at: null, recurrence: null }],
  // repetition
  [
    'standup every weekday at 9:30',
    { title: 'standup', due_at: '2026-03-16T09:30:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
  ],
  [
    'standup weekdays at 9:15',
    { title: 'standup', due_at: '2026-03-16T09:15:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
  ],
  [
    'water plants every 2 weeks on tuesday',
    { title: 'water plants', due_at: '2026-03-17T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' },
  ],
  ['daily at 9 meditate', { title: 'meditate', due_at: '2026-03-16T09:00:00+01:00', recurrence: 'RRULE:FREQ=DAILY' }],
  ['vitamins daily', { title: 'vitamins', due_at: '2026-03-16T09:00:00+01:00', recurrence: 'RRULE:FREQ=DAILY' }],
  [
    'vitamins every morning',
    { title: 'vitamins', due_at: '2026-03-16T08:00:00+01:00', recurrence: 'RRULE:FREQ=DAILY' },
  ],
  ['backup every evening', { title: 'backup', due_at: '2026-03-15T18:00:00+01:00', recurrence: 'RRULE:FREQ=DAILY' }],
  ['water plants every 3 days', { title: 'water plants', recurrence: 'RRULE:FREQ=DAILY;INTERVAL=3' }],
  [
    'status update weekly',
    { title: 'status update', due_at: '2026-03-16T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY' },
  ],
  ['take out trash every other week', { title: 'take out trash', recurrence: 'RRULE:FREQ=WEEKLY;INTERVAL=2' }],
  [
    'trash every other tuesday',
    { title: 'trash', due_at: '2026-03-17T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' },
  ],
  [
    'plan week every sunday at 6pm',
    { title: 'plan week', due_at: '2026-03-15T18:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=SU' },
  ],
  [
    'gym every mon and thu at 7',
    { title: 'gym', due_at: '2026-03-16T07:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH' },
  ],
  [
    'gym mondays and thursdays at 7am',
    { title: 'gym', due_at: '2026-03-16T07:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH' },
  ],
  [
    'mow lawn saturdays',
    { title: 'mow lawn', due_at: '2026-03-21T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=SA' },
  ],
  [
    'stretch every weekend',
    { title: 'stretch', due_at: '2026-03-21T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=SA,SU' },
  ],
  [
    'newsletter weekly on friday',
    { title: 'newsletter', due_at: '2026-03-20T09:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=FR' },
  ],
  [
    'retro every 2 weeks on friday at 16:00',
    { title: 'retro', due_at: '2026-03-27T16:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR' },
  ],
  [
    'team sync every week on mon, wed and fri at 10 for 6 times',
    { title: 'team sync', due_at: '2026-03-16T10:00:00+01:00', recurrence: 'RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO,WE,FR' },
  ],
  [
    'invoice every month on the 15th',
    { title: 'invoice', due_at: '2026-04-15T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=15' },
  ],
  [
    'salary check every month on the 1st and 15th',
    { title: 'salary check', due_at: '2026-04-01T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15' },
  ],
  [
    'rent on the 1st of every month',
    { title: 'rent', due_at: '2026-04-01T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1' },
  ],
  [
    'backup on the last day of every month',
    { title: 'backup', due_at: '2026-03-31T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=-1' },
  ],
  [
    'review goals monthly on the last day',
    { title: 'review goals', due_at: '2026-03-31T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=-1' },
  ],
  [
    'review every first monday of the month',
    { title: 'review', due_at: '2026-04-06T09:00:00+02:00', recurrence: 'RRULE:FREQ=MONTHLY;BYDAY=1MO' },
  ],
  [
    'book club every last friday of the month at 7pm',
    { title: 'book club', due_at: '2026-03-27T19:00:00+01:00', recurrence: 'RRULE:FREQ=MONTHLY;BYDAY=-1FR' },
  ],
  ['report every quarter', { title: 'report', recurrence: 'RRULE:FREQ=MONTHLY;INTERVAL=3' }],
  ['dentist every 6 months', { title: 'dentist', recurrence: 'RRULE:FREQ=MONTHLY;INTERVAL=6' }],
  [
    'anniversary every year on june 12',
    {
      title: 'anniversary',
      due_at: '2026-06-12T09:00:00+02:00',
      recurrence: 'RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=12',
    },
  ],
  [
    'birthday every march 3rd',
    { title: 'birthday', due_at: '2027-03-03T09:00:00+01:00', recurrence: 'RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3' },
  ],
  [
    'taxes yearly on april 15',
    { title: 'taxes', due_at: '2026-04-15T09:00:00+02:00', recurrence: 'RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15' },
  ],
  ['physio every day for 10 times', { title: 'physio', recurrence: 'RRULE:FREQ=DAILY;COUNT=10' }],
  ['course every week until may 31', { title: 'course', recurrence: 'RRULE:FREQ=WEEKLY;UNTIL=20260531' }],
  // reminders
  ['call mom tomorrow 6pm remind me 1 hour before', { title: 'call mom', reminders: [60] }],
  ['dentist on march 3 at 14:30 remind me 1 day and 2 hours before', { title: 'dentist', reminders: [1440, 120] }],
  [
    'meeting friday 3pm with a reminder 10 minutes before',
    { title: 'meeting', due_at: '2026-03-20T15:00:00+01:00', reminders: [10] },
  ],
  [
    'meds every day at 8 remind me 15m before, 1h before',
    { title: 'meds', reminders: [60, 15], recurrence: 'RRULE:FREQ=DAILY' },
  ],
  ['x tomorrow remind me half an hour before and remind me when due', { title: 'x', reminders: [30, 0] }],
  ['pack tomorrow alert me two days ahead', { title: 'pack', reminders: [2880] }],
  [
    'call grandma every sunday remind me 1 hour before',
    {
      title: 'call grandma',
      due_at: '2026-03-22T09:00:00+01:00',
      reminders: [60],
      recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=SU',
    },
  ],
  // tags and priority
  ['pay card !medium tomorrow', { title: 'pay card', priority: 'medium', due_at: '2026-03-16T09:00:00+01:00' }],
  ['idea !low #someday', { title: 'idea', priority: 'low', tags: ['someday'], due_at: null }],
  ['fix prod !! #work #urgent', { title: 'fix prod', priority: 'high', tags: ['work', 'urgent'] }],
  ['flowers #Home #garden #home', { title: 'flowers', tags: ['home', 'garden'] }],
  ['email Anna about #q3-plan !2', { title: 'email Anna about', priority: 'medium', tags: ['q3-plan'] }],
  ['wow! great news !3', { title: 'wow! great news', priority: 'low' }],
];

const elsewhere: Array<[text: string, timezone: string, expected: Expected]> = [
  // New York is already on EDT (-04:00) since 2026-03-08; it is 09:30 there.
  ['pay rent every month on the 1st at 9am', 'America/New_York', { due_at: '2026-04-01T09:00:00-04:00' }],
  ['standup at 9', 'America/New_York', { due_at: '2026-03-16T09:00:00-04:00' }],
  ['standup at 10', 'America/New_York', { due_at: '2026-03-15T10:00:00-04:00' }],
  // Tokyo: 22:30 on Sunday, so "tomorrow" is Monday there.
  ['buy milk tomorrow', 'Asia/Tokyo', { due_at: '2026-03-16T09:00:00+09:00' }],
  ['weekly review every friday at 17:00', 'Asia/Kolkata', { due_at: '2026-03-20T17:00:00+05:30' }],
];

describe('quick-add phrasings in Europe/Berlin', () => {
  test.each(berlin)('%p', async (text, expected) => {
    const { draft } = await parseQuickAdd(text, { now, timezone: 'Europe/Berlin' });
    expect(draft).toMatchObject({ timezone: 'Europe/Berlin', ...expected });
  });
});

describe('quick-add phrasings in other zones', () => {
  test.each(elsewhere)('%p in %s', async (text, timezone, expected) => {
    expect((await parseQuickAdd(text, { now, timezone })).draft).toMatchObject({ timezone, ...expected });
  });
});

describe('what the reader reports besides the draft', () => {
  test('matches list the understood phrases in text order, with the rule in words', async () => {
    const result = await parseQuickAdd('pay rent every month on the 1st at 9am #bills !high', {
      now,
      timezone: 'Europe/Berlin',
    });
    expect(result.matches).toEqual([
      { kind: 'recurrence', text: 'every month on the 1st' },
      { kind: 'date', text: 'at 9am' },
      { kind: 'tag', text: '#bills' },
      { kind: 'priority', text: '!high' },
    ]);
    expect(result.recurrence_text).toBe('every month on the 1st');
    expect(result.warnings).toEqual([]);
  });

  test('a reminder without a date and an empty title are warnings, not errors', async () => {
    const result = await parseQuickAdd('#errands remind me 1 hour before', { now, timezone: 'Europe/Berlin' });
    expect(result.draft).toMatchObject({ title: '', reminders: [60], due_at: null });
    expect(result.warnings).toEqual([
      'Nothing is left for the title',
      'Reminders need a due date: add one, e.g. "tomorrow at 9"',
    ]);
  });

  test('a rule that never produces a date is dropped with a warning', async () => {
    const result = await parseQuickAdd('party every february 30th', { now, timezone: 'Europe/Berlin' });
    expect(result.draft.recurrence).toBeNull();
    expect(result.warnings[0]).toStartWith('The repetition was not understood');
  });
});

describe('+project (todo.txt style)', () => {
  const projects = [
    { id: '00000000-0000-7000-8000-000000000001', name: 'Household' },
    { id: '00000000-0000-7000-8000-000000000002', name: 'Release Q3' },
  ];
  const read = (text: string) => parseQuickAdd(text, { now, timezone: 'Europe/Berlin', projects });

  test.each([
    ['buy milk +household #shop', projects[0]?.id, 'buy milk'],
    ['buy milk +HouseHold.', projects[0]?.id, 'buy milk'],
    ['tag the build +release-q3 tomorrow', projects[1]?.id, 'tag the build'],
  ])('%s names a project of mine, case-insensitively', async (text, id, title) => {
    const result = await read(text);
    expect(result.draft.project_id).toBe(id as string);
    expect(result.draft.title).toBe(title);
    expect(result.matches.map((m) => m.kind)).toContain('project');
  });

  test('an unknown name stays in the title, with a warning; the task goes to the Inbox', async () => {
    const result = await read('water plants +garden');
    expect(result.draft.project_id).toBeUndefined();
    expect(result.draft.title).toBe('water plants +garden');
    expect(result.warnings).toEqual([expect.stringContaining('"garden"')]);
  });

  test('a plus that is not a name (+5, C++) is just text', async () => {
    const result = await read('score +5 in C++');
    expect(result.draft).toMatchObject({ title: 'score +5 in C++' });
    expect(result.warnings).toEqual([]);
  });
});
