import { describe, expect, test } from 'bun:test';
import { reorder, sidebarOrder } from './projects.ts';
import type { Project } from './types.ts';

const project = (name: string, position: number, extra: Partial<Project> = {}): Project => ({
  id: name,
  name,
  color: null,
  archived: false,
  archived_at: null,
  is_inbox: false,
  role: 'admin',
  position,
  created_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:00.000Z',
  ...extra,
});

const inbox = project('Inbox', 5, { is_inbox: true });
const list = [project('B', 2), project('Old', 0, { archived: true }), inbox, project('A', 1), project('C', 2)];

describe('sidebarOrder', () => {
  test('the Inbox first whatever its position, then by position and name, archived last', () => {
    expect(sidebarOrder(list).map((p) => p.name)).toEqual(['Inbox', 'A', 'B', 'C', 'Old']);
  });
});

describe('reorder', () => {
  test('moving up swaps with the one above and renumbers only what changed (C already had 2)', () => {
    expect(reorder(list, 'C', -1)).toEqual([{ id: 'B', position: 3 }]);
  });
  test('moving down from the top: a tie below is broken too', () => {
    expect(reorder(list, 'A', 1)).toEqual([
      { id: 'B', position: 1 },
      { id: 'A', position: 2 },
      { id: 'C', position: 3 },
    ]);
  });
  test.each([
    ['the first up', 'A', -1],
    ['the last down', 'C', 1],
    ['the Inbox', 'Inbox', 1],
    ['an archived project', 'Old', -1],
  ] as const)('%s: nothing to do', (_, id, by) => {
    expect(reorder(list, id, by)).toEqual([]);
  });
});
