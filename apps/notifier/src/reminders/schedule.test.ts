import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { DbHandle } from '@tasktide/db';
import { createTestDb } from '@tasktide/db/testing';
import { createEvent } from '@tasktide/events';
import { notifierMigrations } from '../db/migrations.ts';
import { syncReminders } from './schedule.ts';

const snapshot = (taskId: string, dueAt: Date, reminders: number[], version = 1) => ({
  task_id: taskId,
  title: 't',
  description: '',
  priority: 'none' as const,
  tags: [],
  due_at: dueAt.toISOString(),
  timezone: 'UTC',
  reminders,
  recurrence: null,
  status: 'open' as const,
  completed_at: null,
  series_id: null,
  parent_id: null,
  version,
});

describe('reminder planning judges "in the past" at commit time', () => {
  let db: DbHandle;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    await db.migrate(notifierMigrations);
  }, 60_000);
  afterAll(() => db.close());

  test('a reminder ahead at commit is scheduled even when the event arrives after its time', async () => {
    const committedAt = Date.now() - 10_000;
    const event = createEvent('task.created', snapshot(crypto.randomUUID(), new Date(committedAt + 65_000), [1]), {
      userId: crypto.randomUUID(),
      correlationId: 'c',
    });
    event.timestamp = new Date(committedAt).toISOString(); // the consumer is 10 s behind
    const ops = await db.db.transaction((tx) => syncReminders(tx, event));
    expect(ops.register).toHaveLength(1);
    expect(ops.register[0]?.status).toBe('scheduled');
  });

  test('a reminder already behind at commit is skipped', async () => {
    const event = createEvent('task.created', snapshot(crypto.randomUUID(), new Date(Date.now() + 30_000), [60]), {
      userId: crypto.randomUUID(),
      correlationId: 'c',
    });
    const ops = await db.db.transaction((tx) => syncReminders(tx, event));
    expect(ops.register).toHaveLength(0);
  });
});
