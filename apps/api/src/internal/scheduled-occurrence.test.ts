import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { createTestClock } from '@tasktide/service-kit';
import { asc } from 'drizzle-orm';
import { outbox, seriesCancellations } from '../db/schema.ts';
import { createTestApi, type TestApi } from '../testing.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

// Series on schedule: the recurrence service asks for the next slot once the due time has passed;
// completions ask too. Either way a series holds one occurrence per slot (one successor each).
describe.each(dbKinds())('recurrence_mode on %s', (kind) => {
  const clock = createTestClock(new Date('2030-01-06T08:00:00Z'));
  let api: TestApi;
  let user: Awaited<ReturnType<TestApi['signUp']>>;
  /** A user with a personal API token: the test clock moves past an access token's hour. */
  const signUp = async () => {
    const u = await api.signUp();
    const res = await api.call('POST', '/api/v1/tokens', { token: u.token, body: { name: 'tests' } });
    return { ...u, token: res.body.token as string };
  };
  beforeAll(async () => {
    api = await createTestApi(kind, {}, clock);
    user = await signUp();
  }, 120_000);
  afterAll(() => api.close());

  const create = async (body: Record<string, unknown>) => {
    const res = await api.call('POST', '/api/v1/tasks', {
      token: user.token,
      body: { title: 'water plants', ...body },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const inAnHour = () => new Date(clock.now().getTime() + HOUR).toISOString();
  const scheduled = (id: string, dueAt: Date | string, userId = user.userId) =>
    api.call('POST', `/internal/tasks/${id}/scheduled-occurrence`, {
      body: { user_id: userId, due_at: new Date(dueAt).toISOString() },
    });
  const completed = (id: string, dueAt: string) =>
    api.call('POST', `/internal/tasks/${id}/next-occurrence`, {
      body: { source_event_id: crypto.randomUUID(), user_id: user.userId, due_at: dueAt },
    });
  const series = async (id: string) =>
    (await api.call('GET', `/api/v1/tasks?series_id=${id}&sort=due_at`, { token: user.token })).body.items;
  const plusDay = (iso: string) => new Date(new Date(iso).getTime() + DAY).toISOString();

  test('the mode defaults to on_completion, is validated, patchable and carried by the events', async () => {
    const plain = await create({ due_at: inAnHour(), recurrence: 'daily' });
    expect(plain.recurrence_mode).toBe('on_completion');
    const bad = await api.call('POST', '/api/v1/tasks', {
      token: user.token,
      body: { title: 'x', due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'hourly' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('/recurrence_mode');
    const patched = await api.call('PATCH', `/api/v1/tasks/${plain.id}`, {
      token: user.token,
      body: { recurrence_mode: 'on_schedule' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ recurrence_mode: 'on_schedule', version: 2 });
    const scheduledTask = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    const rows = await api.db.db.select().from(outbox).orderBy(asc(outbox.id));
    const payloads = rows.map((r) => (r.envelope as { event_type: string; payload: Record<string, unknown> }).payload);
    const created = payloads.find((p) => p.task_id === scheduledTask.id);
    expect(created?.recurrence_mode).toBe('on_schedule');
    const update = payloads.find((p) => p.task_id === plain.id && p.changes) as {
      changes: Record<string, unknown>;
      task: Record<string, unknown>;
    };
    expect(update.changes).toEqual({ recurrence_mode: 'on_schedule' });
    expect(update.task.recurrence_mode).toBe('on_schedule');
  });

  test('once the due time passes the next slot is created while this one is open, exactly once', async () => {
    const first = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    const next = plusDay(first.due_at);
    // Never early: before its due time the occurrence has no successor.
    expect((await scheduled(first.id, next)).status).toBe(409);
    expect(await series(first.id)).toHaveLength(1);
    clock.advance(HOUR);
    const made = await scheduled(first.id, next);
    expect(made.status).toBe(201);
    expect(made.body.task).toMatchObject({
      due_at: next,
      parent_id: first.id,
      series_id: first.id,
      recurrence_mode: 'on_schedule',
      occurrence_index: 1,
    });
    // A redelivered job, the sweep and a later completion all find that one.
    const again = await scheduled(first.id, next);
    expect(again).toMatchObject({
      status: 200,
      body: { status: 'existing', task: { task_id: made.body.task.task_id } },
    });
    await api.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: user.token });
    const byCompletion = await completed(first.id, next);
    expect(byCompletion.status).toBe(200);
    expect(byCompletion.body.task.task_id).toBe(made.body.task.task_id);
    // Reopening takes back the completion only: the slot's occurrence stays.
    const reopened = await api.call('POST', `/api/v1/tasks/${first.id}/reopen`, { token: user.token });
    expect(reopened.status).toBe(200);
    const items = await series(first.id);
    expect(items.map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([
      [first.id, 'open'],
      [made.body.task.task_id, 'open'],
    ]);
  });

  test('a completion before the due time creates the next slot; the schedule then finds it', async () => {
    const first = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    await api.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: user.token });
    const next = plusDay(first.due_at);
    const byCompletion = await completed(first.id, next);
    expect(byCompletion.status).toBe(201);
    clock.advance(HOUR);
    const bySchedule = await scheduled(first.id, next);
    expect(bySchedule.status).toBe(200);
    expect(bySchedule.body.task.task_id).toBe(byCompletion.body.task.task_id);
    expect(await series(first.id)).toHaveLength(2);
  });

  test('undo before the due time takes back the early successor; the schedule makes it at the due time', async () => {
    const first = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    await api.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: user.token });
    const next = plusDay(first.due_at);
    expect((await completed(first.id, next)).status).toBe(201);
    await api.call('POST', `/api/v1/tasks/${first.id}/reopen`, { token: user.token });
    // The same series as if the completion had not been processed before the undo.
    expect((await series(first.id)).map((t: { id: string }) => t.id)).toEqual([first.id]);
    clock.advance(HOUR);
    const bySchedule = await scheduled(first.id, next);
    expect(bySchedule.status).toBe(201);
    expect(await series(first.id)).toHaveLength(2);
  });

  test('a deleted next occurrence stays deleted: no schedule, sweep or redelivered completion brings it back', async () => {
    const first = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    clock.advance(HOUR);
    const next = plusDay(first.due_at);
    const made = await scheduled(first.id, next);
    expect(made.status).toBe(201);
    const deleted = await api.call('DELETE', `/api/v1/tasks/${made.body.task.task_id}`, { token: user.token });
    expect(deleted.status).toBe(204);
    expect((await scheduled(first.id, next)).status).toBe(409);
    const elapsed = await api.call(
      'GET',
      `/internal/recurrence/elapsed?before=${encodeURIComponent(clock.now().toISOString())}&limit=500`,
    );
    expect(elapsed.body.items.map((i: { task: { task_id: string } }) => i.task.task_id)).not.toContain(first.id);
    await api.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: user.token });
    expect((await completed(first.id, next)).status).toBe(409);
    // On completion too: a redelivered completion does not recreate what its user deleted.
    const plain = await create({ due_at: inAnHour(), recurrence: 'daily' });
    await api.call('POST', `/api/v1/tasks/${plain.id}/complete`, { token: user.token });
    const body = { source_event_id: crypto.randomUUID(), user_id: user.userId, due_at: plusDay(plain.due_at) };
    const once = await api.call('POST', `/internal/tasks/${plain.id}/next-occurrence`, { body });
    expect(once.status).toBe(201);
    await api.call('DELETE', `/api/v1/tasks/${once.body.task.task_id}`, { token: user.token });
    expect((await api.call('POST', `/internal/tasks/${plain.id}/next-occurrence`, { body })).status).toBe(409);
    expect(await series(plain.id)).toHaveLength(1);
  });

  test('only series on schedule, of their owner, not cancelled, with a later slot', async () => {
    const onCompletion = await create({ due_at: inAnHour(), recurrence: 'daily' });
    const cancelled = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    const mine = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    clock.advance(HOUR);
    expect((await scheduled(onCompletion.id, plusDay(onCompletion.due_at))).status).toBe(409);
    expect((await scheduled(mine.id, plusDay(mine.due_at), (await signUp()).userId)).status).toBe(404);
    expect((await scheduled(mine.id, mine.due_at)).status).toBe(409);
    // Deleting the series' other occurrences cancels it: the elapsed one gets no successor.
    const other = await create({ due_at: inAnHour(), recurrence: 'daily', recurrence_mode: 'on_schedule' });
    await api.call('DELETE', `/api/v1/tasks/${other.id}?scope=series`, { token: user.token });
    expect((await scheduled(other.id, plusDay(other.due_at))).status).toBe(404);
    await api.db.db.insert(seriesCancellations).values({ seriesId: cancelled.id, userId: user.userId });
    expect((await scheduled(cancelled.id, plusDay(cancelled.due_at))).status).toBe(409);
  });

  test('the sweep lists elapsed open occurrences without a successor, in pages', async () => {
    const u = await signUp();
    const make = async (body: Record<string, unknown>) =>
      (
        await api.call('POST', '/api/v1/tasks', {
          token: u.token,
          body: { title: 'sweep me', recurrence: 'daily', recurrence_mode: 'on_schedule', ...body },
        })
      ).body;
    const a = await make({ due_at: inAnHour() });
    const b = await make({ due_at: inAnHour() });
    const c = await make({ due_at: inAnHour() });
    const done = await make({ due_at: inAnHour() });
    const later = await make({ due_at: new Date(clock.now().getTime() + 5 * HOUR).toISOString() });
    const plain = await make({ due_at: inAnHour(), recurrence_mode: 'on_completion' });
    clock.advance(HOUR);
    await scheduled(done.id, plusDay(done.due_at), u.userId).then((r) => expect(r.status).toBe(201));
    const before = clock.now().toISOString();
    const listed: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await api.call(
        'GET',
        `/internal/recurrence/elapsed?before=${encodeURIComponent(before)}&limit=2${cursor}`,
      );
      expect(res.status).toBe(200);
      const items = res.body.items as { user_id: string; task: { task_id: string; due_at: string } }[];
      listed.push(...items.filter((i) => i.user_id === u.userId).map((i) => i.task.task_id));
      const last = items.at(-1);
      if (items.length < 2 || !last) break;
      cursor = `&after_due_at=${encodeURIComponent(last.task.due_at)}&after_id=${last.task.task_id}`;
    }
    expect(listed.sort()).toEqual([a.id, b.id, c.id].sort());
    expect(listed).not.toContain(later.id);
    expect(listed).not.toContain(plain.id);
  });
});
