import { expect, test } from 'bun:test';
import lock from '../schemas.lock.json';
import { checkAgainstLock, incompatibilities } from './compat.ts';

test('every published event schema still reads what it used to (additive changes only)', () => {
  expect(checkAgainstLock(lock as Record<string, unknown>)).toEqual([]);
});

const obj = (props: Record<string, unknown>, required: string[]) => ({ type: 'object', properties: props, required });
const str = { type: 'string' };
const int = { type: 'integer' };

test.each([
  ['an optional field added', obj({ a: str }, ['a']), obj({ a: str, b: int }, ['a']), []],
  ['a field removed', obj({ a: str, b: int }, ['a']), obj({ a: str }, ['a']), ['/b was removed']],
  ['a field retyped', obj({ a: str }, ['a']), obj({ a: int }, ['a']), ['/a changed type']],
  [
    'a new required field',
    obj({ a: str }, ['a']),
    obj({ a: str, b: int }, ['a', 'b']),
    ['/b is required but was absent'],
  ],
  [
    'an optional field made required',
    obj({ a: str, b: int }, ['a']),
    obj({ a: str, b: int }, ['a', 'b']),
    ['/b is required but was optional'],
  ],
  [
    'a nested change',
    obj({ p: obj({ x: str }, ['x']) }, ['p']),
    obj({ p: obj({ x: int }, ['x']) }, ['p']),
    ['/p/x changed type'],
  ],
])('the compatibility check flags %s', (_name, before, after, expected) => {
  expect(incompatibilities(before, after)).toEqual(expected);
});
