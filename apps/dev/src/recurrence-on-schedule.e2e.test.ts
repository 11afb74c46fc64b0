import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { occurrenceJobName } from '@tasktide/recurrence/on-schedule';
import { createTestClock } from '@tasktide/service-kit';
import type { System } from './system.ts';
import { startTestSystem, type TestSystem } from './testing/system.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

type Item = { id: string; due_at: string; status: string; parent_id: string | null };

// Series on schedule end to end on the embedded system and a test clock: api → outbox → bus →
// recurrence (one job per occurrence on the embedded scheduler, the sweep on a short interval) → api.
describe.each(dbKinds())('recurrence on schedule end to end (embedded, %s)', (kind) => {
  const clock = createTestClock(new Date('2030-01-07T08:00:00Z'));
  let system: System;
  let client: TestSystem['client'];
  let stop: TestSystem['stop'];
  let token: string;
  beforeAll(async () => {
    ({ system, client, stop } = await startTestSystem(kind, {
      clock,
      env: {
        // The sweep races the jobs on every jump of the clock: one occurrence per slot anyway.
        RECURRENCE_SWEEP_EVERY_MS: '100',
        RECURRENCE_SWEEP_GRACE_MS: '0',
      },
      bus: { pollMs: 20, backoffMs: 20, maxBackoffMs: 200 },
      jobsPollMs: 20,
    }));
    const u = await client.signUp({ timezone: 'UTC' });
    // A personal token: the test clock moves past an access token's hour.
    token = (await client.call('POST', '/api/v1/tokens', { token: u.token, body: { name: 'e2e' } })).body.token;
  }, 120_000);
  afterAll(() => stop());

  const createDaily = async (title: string) => {
    const res = await client.call('POST', '/api/v1/tasks', {
      token,
      body: {
        title,
        due_at: new Date(clock.now().getTime() + HOUR).toISOString(),
        recurrence: 'daily',
        recurrence_mode: 'on_schedule',
      },
    });
    expect(res.status).toBe(201);
    await system.settle();
    return res.body as Item;
  };
  const series = async (id: string): Promise<Item[]> =>
    (await client.call('GET', `/api/v1/tasks?series_id=${id}&sort=due_at`, { token })).body.items;
  const dueTimes = (items: Item[]) => items.map((t) => t.due_at);
  const after = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

  test('when the due time passes the next occurrence appears while the current one is open, once', async () => {
    const first = await createDaily('water plants');
    expect(await series(first.id)).toHaveLength(1);
    clock.advance(HOUR - 1);
    await system.settle();
    expect(await series(first.id)).toHaveLength(1); // never early
    clock.advance(1);
    await system.settle();
    const two = await series(first.id);
    expect(two.map((t) => [t.due_at, t.status, t.parent_id])).toEqual([
      [first.due_at, 'open', null],
      [after(first.due_at, DAY), 'open', first.id],
    ]);
    // Completing the elapsed occurrence now finds its successor: still one per slot.
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token });
    await system.settle();
    expect(dueTimes(await series(first.id))).toEqual(dueTimes(two));
    // The next day the second one elapses, still open, and the third appears.
    clock.advance(DAY);
    await system.settle();
    expect(dueTimes(await series(first.id))).toEqual([...dueTimes(two), after(first.due_at, 2 * DAY)]);
  });

  test('after downtime the series resumes at the next future slot, not with one occurrence per missed day', async () => {
    const first = await createDaily('feed the cat');
    // Three days and two hours pass in one step: the job and the sweep both see them at once.
    clock.advance(3 * DAY + 2 * HOUR);
    await system.settle();
    expect(dueTimes(await series(first.id))).toEqual([first.due_at, after(first.due_at, 4 * DAY)]);
  });

  test('the sweep creates the occurrence whose job was lost', async () => {
    const first = await createDaily('take out the bins');
    const jobs = system.runtime.platform('recurrence').jobs;
    expect(await jobs.get(occurrenceJobName(first.id))).not.toBeNull();
    await jobs.delete(occurrenceJobName(first.id));
    clock.advance(HOUR);
    // The sweep's own timer may or may not tick before settle() sees a quiet system: run it now.
    await system.runBinding('recurrence', 'recurrence-sweep');
    await system.settle();
    const items = await series(first.id);
    expect(dueTimes(items)).toEqual([first.due_at, after(first.due_at, DAY)]);
    // The new occurrence got its own job from its task.created event.
    expect(await jobs.get(occurrenceJobName(items[1]?.id as string))).not.toBeNull();
  });

  test('moving the due time moves the trigger; switching to on_completion stops it', async () => {
    const first = await createDaily('stretch');
    const later = after(first.due_at, 3 * HOUR);
    await client.call('PATCH', `/api/v1/tasks/${first.id}`, { token, body: { due_at: later } });
    await system.settle();
    // The old due time has passed by two hours, the new one is an hour ahead: nothing yet.
    clock.advance(3 * HOUR);
    await system.settle();
    expect(await series(first.id)).toHaveLength(1);
    clock.advance(HOUR);
    await system.settle();
    const two = await series(first.id);
    // Moving one occurrence does not move the series: the next slot is the rule's, from its anchor.
    expect(dueTimes(two)).toEqual([later, after(first.due_at, DAY)]);
    const second = two[1] as Item;
    await client.call('PATCH', `/api/v1/tasks/${second.id}`, { token, body: { recurrence_mode: 'on_completion' } });
    await system.settle();
    clock.advance(2 * DAY);
    await system.settle();
    expect(await series(first.id)).toHaveLength(2);
  });
});
