import { describe, expect, test } from 'bun:test';
import { type Action, actions, can, type Role } from './index.ts';

// The whole policy, spelled out: a change to the table in index.ts must change this one too.
const expected: Record<Action, (Role | null)[]> = {
  'project.read': ['viewer', 'editor', 'admin'],
  'project.update': ['admin'],
  'project.delete': ['admin'],
  'members.manage': ['admin'],
  'task.read': ['viewer', 'editor', 'admin'],
  'task.write': ['editor', 'admin'],
  'comment.read': ['viewer', 'editor', 'admin'],
  'comment.create': ['viewer', 'editor', 'admin'],
  'comment.moderate': ['admin'],
};

describe.each([null, 'viewer', 'editor', 'admin'] as (Role | null)[])('role %p', (role) => {
  test.each([...actions])('%s', (action) => {
    expect(can(role, action)).toBe(expected[action].includes(role));
  });
});

test('a stronger role may do everything a weaker one may', () => {
  for (const action of actions) {
    if (can('viewer', action)) expect(can('editor', action)).toBe(true);
    if (can('editor', action)) expect(can('admin', action)).toBe(true);
  }
});
