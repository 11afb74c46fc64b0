import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { parseEvent } from '@tasktide/events';
import { asc, isNull } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import { createTask } from '../tasks/service.ts';
import { createTestApi, type TestApi } from '../testing.ts';

// The relay itself (order, lease, backoff, prune) is tested beside it in packages/outbox.
describe.each(dbKinds())('transactional outbox of the api on %s', (kind) => {
  let api: TestApi;
  let user: Awaited<ReturnType<TestApi['signUp']>>;
  beforeAll(async () => {
    api = await createTestApi(kind);
    user = await api.signUp();
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });
  const db = () => api.db.db;
  const _pendingRows = () => db().select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.id));

  test('every task change writes schema-valid events for task-events and task-updates', async () => {
    const before = (await db().select().from(outbox)).length;
    const { body: task } = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'evented' } });
    await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { priority: 'high' } });
    await api.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    await api.call('DELETE', `/api/v1/tasks/${task.id}`, { token: user.token });
    const rows = (await db().select().from(outbox).orderBy(asc(outbox.id))).slice(before);
    expect(rows.map((r) => `${r.eventType}>${r.topic}`)).toEqual([
      'task.created>task-events',
      'task.created>task-updates',
      'task.updated>task-events',
      'task.updated>task-updates',
      'task.completed>task-events',
      'task.completed>task-updates',
      'task.updated>task-events',
      'task.updated>task-updates',
      'task.deleted>task-events',
      'task.deleted>task-updates',
    ]);
    for (const row of rows) {
      expect(parseEvent(row.envelope).ok).toBe(true);
      expect(row.partitionKey).toBe(user.userId);
    }
    const updated = rows[2]?.envelope as { payload: { changes: Record<string, unknown> } };
    expect(updated.payload.changes).toEqual({ priority: 'high' });
  });

  test('a rolled-back change leaves no event behind', async () => {
    const before = (await db().select().from(outbox)).length;
    const actor = { userId: user.userId, timezone: 'UTC', correlationId: 'rollback-test' };
    await expect(
      db().transaction(async (tx) => {
        await createTask(tx, actor, { title: 'doomed' });
        throw new Error('abort after the insert');
      }),
    ).rejects.toThrow('abort after the insert');
    expect((await db().select().from(outbox)).length).toBe(before);
    const list = await api.call('GET', '/api/v1/tasks?q=doomed', { token: user.token });
    expect(list.body.items).toHaveLength(0);
  });

  test('a no-op change (same values, completing a completed task) emits nothing', async () => {
    const { body: task } = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'same' } });
    const before = (await db().select().from(outbox)).length;
    await api.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { title: 'same' } });
    await api.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    expect((await db().select().from(outbox)).length).toBe(before);
  });
});
