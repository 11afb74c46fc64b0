import { describe, expect, test } from 'bun:test';
import { parseDeadLetter, storable, UNKNOWN_CONSUMER } from './parse.ts';

const envelope = {
  event_id: '0190a0e0-0000-7000-8000-0000000000e1',
  event_type: 'task.created',
  user_id: '0190a0e0-0000-7000-8000-000000000001',
};

describe('parseDeadLetter', () => {
  test('reads the app-dropped shape: consumer, reason and original topic from dead_letter', () => {
    expect(
      parseDeadLetter(
        {
          event_id: envelope.event_id,
          dead_letter: { consumer: 'recurrence', topic: 'task-events', reason: 'invalid event: /title' },
          original: envelope,
        },
        'task-events-dlq',
      ),
    ).toEqual({
      topic: 'task-events-dlq',
      originalTopic: 'task-events',
      consumer: 'recurrence',
      reason: 'invalid event: /title',
      eventId: envelope.event_id,
      envelope,
    });
  });

  test('reads the bus-dead-lettered shape: the original envelope itself, consumer unknown', () => {
    expect(parseDeadLetter(envelope, 'reminders-dlq')).toMatchObject({
      topic: 'reminders-dlq',
      originalTopic: 'reminders',
      consumer: UNKNOWN_CONSUMER,
      eventId: envelope.event_id,
      envelope,
    });
  });

  test.each([
    ['a topic that is not ours', { topic: 'payments', consumer: 'x', reason: 'r' }, 'task-updates'],
    ['no topic', { consumer: 'x', reason: 'r' }, 'task-updates'],
    ['a topic of the wrong type', { topic: 42, consumer: 'x', reason: 'r' }, 'task-updates'],
  ])('never trusts %s: the original topic comes from the DLQ topic', (_name, meta, expected) => {
    const entry = parseDeadLetter({ dead_letter: meta, original: envelope }, 'task-updates-dlq');
    expect(entry.originalTopic).toBe(expected as 'task-updates');
  });

  test('fills in what the wrapper lacks', () => {
    const entry = parseDeadLetter({ dead_letter: {}, original: envelope }, 'task-events-dlq');
    expect(entry).toMatchObject({ consumer: UNKNOWN_CONSUMER, reason: 'no reason given', eventId: envelope.event_id });
  });

  test.each([
    ['a string', 'not json at all'],
    ['an array', [1, 2, 3]],
    ['an object without event id', { hello: 'world' }],
    ['null', null],
  ])('gives %s a stable content-derived event id, so it dedupes', (_name, data) => {
    const a = parseDeadLetter(data, 'task-events-dlq');
    const b = parseDeadLetter(structuredClone(data), 'task-events-dlq');
    expect(a.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.eventId).toBe(b.eventId);
    expect(a.envelope).toEqual(data);
  });

  test('bounds the texts it keeps', () => {
    const entry = parseDeadLetter(
      { dead_letter: { consumer: 'c'.repeat(500), reason: 'r'.repeat(5000) }, original: envelope },
      'task-events-dlq',
    );
    expect(entry.consumer).toHaveLength(200);
    expect(entry.reason).toHaveLength(2000);
  });

  test('refuses a topic that is not the DLQ of a known topic (a wiring bug, not data)', () => {
    expect(() => parseDeadLetter(envelope, 'payments-dlq')).toThrow('not the dead-letter topic');
  });
});

describe('storable', () => {
  test('replaces what Postgres cannot store (NUL, lone surrogates) in values and keys', () => {
    const stored: unknown = storable({ 'k\u0000': ['a\u0000b', '\ud800x', 1, null, { n: true }] });
    expect(stored).toEqual({
      'k\uFFFD': ['a\uFFFDb', '\uFFFDx', 1, null, { n: true }],
    });
  });
});
