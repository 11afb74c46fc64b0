import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, rowHash } from './hash.ts';

describe('canonicalJson', () => {
  test.each([
    ['keys sorted, no whitespace', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['nested objects sorted too', { z: { y: 1, x: [{ d: 1, c: 2 }] } }, '{"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    ['arrays keep their order', [3, 1, 2], '[3,1,2]'],
    ['undefined members are left out', { a: undefined, b: null }, '{"b":null}'],
    ['numbers as JSON.stringify writes them', { n: 1.5e21, m: 0.1, i: -0 }, '{"i":0,"m":0.1,"n":1.5e+21}'],
    ['strings escaped the JSON way', { s: 'a"b\\c\n' }, '{"s":"a\\"b\\\\c\\n"}'],
    ['non-ASCII kept as is', { é: 'ü' }, '{"é":"ü"}'],
    ['keys sorted by UTF-16 code units', { b: 1, B: 2, é: 3, a: 4 }, '{"B":2,"a":4,"b":1,"é":3}'],
    ['dates as ISO strings', { d: new Date('2026-01-02T03:04:05.006Z') }, '{"d":"2026-01-02T03:04:05.006Z"}'],
    ['top-level null', null, 'null'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  test('the same value built in another key order gives the same text', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses %p (no JSON form)', (n) => {
    expect(() => canonicalJson({ n })).toThrow('no JSON form');
  });
});

describe('rowHash (golden)', () => {
  const row = {
    seq: 1,
    userId: '0190a0e0-0000-7000-8000-000000000001',
    eventId: '0190a0e0-0000-7000-8000-0000000000e1',
    eventType: 'task.created',
    taskId: '0190a0e0-0000-7000-8000-0000000000a1',
    occurredAt: new Date('2026-03-01T09:30:00.123Z'),
    recordedAt: new Date('2026-03-01T09:30:00.456Z'),
    correlationId: 'req-1',
    envelope: { b: [1, 'x', null], a: { é: true, z: 1.5 } },
  };

  test('is sha256 over prev_hash, a newline and the canonical row — reproducible outside this code', () => {
    const canonical =
      '{"correlation_id":"req-1","envelope":{"a":{"z":1.5,"é":true},"b":[1,"x",null]},' +
      '"event_id":"0190a0e0-0000-7000-8000-0000000000e1","event_type":"task.created",' +
      '"occurred_at":"2026-03-01T09:30:00.123Z","recorded_at":"2026-03-01T09:30:00.456Z","seq":1,' +
      '"task_id":"0190a0e0-0000-7000-8000-0000000000a1","user_id":"0190a0e0-0000-7000-8000-000000000001","v":1}';
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex');
    expect(rowHash(GENESIS_HASH, row)).toBe(expected);
    // Pinned: a change of the recipe must be a new version (`v`), never a silent edit.
    expect(expected).toBe('c8c745c6a6cdc1987aefb74df975127b9d8b2f6ee25a803aefa71ab8b3455355');
    expect(rowHash(expected, { ...row, seq: 2 })).toBe(
      '1a9fba5c55787dde9b17770ac62dde480799d203452a00114c6cd050547ffbdf',
    );
  });

  test.each([
    ['seq', { seq: 2 }],
    ['user', { userId: '0190a0e0-0000-7000-8000-000000000002' }],
    ['type', { eventType: 'task.deleted' }],
    ['task', { taskId: null }],
    ['occurred time (1 ms)', { occurredAt: new Date('2026-03-01T09:30:00.124Z') }],
    ['recorded time', { recordedAt: new Date('2026-03-01T09:30:01.456Z') }],
    ['correlation id', { correlationId: 'req-2' }],
    ['envelope', { envelope: { b: [1, 'x', null], a: { é: false, z: 1.5 } } }],
  ])('changes when the %s changes', (_field, change) => {
    expect(rowHash(GENESIS_HASH, { ...row, ...change })).not.toBe(rowHash(GENESIS_HASH, row));
  });

  test('depends on the previous hash', () => {
    expect(rowHash('f'.repeat(64), row)).not.toBe(rowHash(GENESIS_HASH, row));
  });
});
