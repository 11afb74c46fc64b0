import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { eventually as poll } from '@tasktide/service-kit/testing';
import type { System } from './system.ts';
import { startTestSystem, type TestSystem } from './testing/system.ts';

/** The test kit's poller, with this file's patience. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) =>
  poll(what, probe, timeoutMs, 100);

// Embedded mode end to end: api → outbox → relay → in-process bus → recurrence → api.
describe.each(dbKinds())('recurrence end to end (embedded, %s)', (kind) => {
  let system: System;
  let client: TestSystem['client'];
  let stop: TestSystem['stop'];
  beforeAll(async () => {
    ({ system, client, stop } = await startTestSystem(kind));
  }, 120_000);
  afterAll(() => stop());

  test('completing a recurring task creates exactly one next occurrence, linked to its series', async () => {
    const u = await client.signUp();
    const due = new Date(Date.now() + 3600_000).toISOString();
    const { body: first } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: {
        title: 'water plants',
        due_at: due,
        recurrence: 'daily',
        reminders: [10],
        tags: ['home'],
        priority: 'low',
      },
    });
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    const series = await eventually('next occurrence', async () => {
      const res = await client.call('GET', `/api/v1/tasks?series_id=${first.id}&sort=due_at`, { token: u.token });
      return res.body.items.length === 2 ? res.body.items : undefined;
    });
    const next = series[1];
    expect(next).toMatchObject({
      title: 'water plants',
      tags: ['home'],
      priority: 'low',
      reminders: [10],
      recurrence: first.recurrence,
      series_id: first.id,
      parent_id: first.id,
      status: 'open',
    });
    expect(new Date(next.due_at).getTime() - new Date(first.due_at).getTime()).toBe(24 * 3600_000);
    await system.settle();
    const again = await client.call('GET', `/api/v1/tasks?series_id=${first.id}`, { token: u.token });
    expect(again.body.items).toHaveLength(2);
  });

  test('deleting the series stops it: completing is impossible and nothing new appears', async () => {
    const u = await client.signUp();
    const { body: first } = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: {
        title: 'standup',
        due_at: new Date(Date.now() + 3600_000).toISOString(),
        recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      },
    });
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    const [, second] = await eventually('second occurrence', async () => {
      const res = await client.call('GET', `/api/v1/tasks?series_id=${first.id}&sort=due_at`, { token: u.token });
      return res.body.items.length === 2 ? res.body.items : undefined;
    });
    expect((await client.call('DELETE', `/api/v1/tasks/${second.id}?scope=series`, { token: u.token })).status).toBe(
      204,
    );
    await system.settle();
    const left = await client.call('GET', `/api/v1/tasks?series_id=${first.id}`, { token: u.token });
    expect(left.body.items.map((t: { id: string }) => t.id)).toEqual([first.id]);
  });

  const seriesOf = async (token: string, id: string) =>
    (await client.call('GET', `/api/v1/tasks?series_id=${id}&sort=due_at`, { token })).body.items as {
      id: string;
      status: string;
      due_at: string;
      parent_id: string | null;
    }[];
  const createDaily = async (token: string) =>
    (
      await client.call('POST', '/api/v1/tasks', {
        token,
        body: { title: 'feed the cat', due_at: new Date(Date.now() + 3600_000).toISOString(), recurrence: 'daily' },
      })
    ).body;

  test('complete → reopen → complete leaves exactly one next occurrence', async () => {
    const u = await client.signUp();
    const first = await createDaily(u.token);
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    await system.settle();
    expect((await seriesOf(u.token, first.id)).map((t) => t.status)).toEqual(['completed', 'open']);
    // Reopening takes the completion back, with the occurrence it created.
    expect((await client.call('POST', `/api/v1/tasks/${first.id}/reopen`, { token: u.token })).status).toBe(200);
    await system.settle();
    expect((await seriesOf(u.token, first.id)).map((t) => t.status)).toEqual(['open']);
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    await system.settle();
    const series = await seriesOf(u.token, first.id);
    expect(series.map((t) => [t.status, t.parent_id])).toEqual([
      ['completed', null],
      ['open', first.id],
    ]);
  });

  test('complete → reopen → complete before the first completion is processed: still one', async () => {
    const u = await client.signUp();
    const first = await createDaily(u.token);
    for (const step of ['complete', 'reopen', 'complete', 'reopen', 'complete']) {
      await client.call('POST', `/api/v1/tasks/${first.id}/${step}`, { token: u.token });
    }
    await system.settle();
    const series = await seriesOf(u.token, first.id);
    expect(series.filter((t) => t.status === 'open')).toHaveLength(1);
    expect(series).toHaveLength(2);
  });

  test('reopening an occurrence whose successor is already completed is a 409', async () => {
    const u = await client.signUp();
    const first = await createDaily(u.token);
    await client.call('POST', `/api/v1/tasks/${first.id}/complete`, { token: u.token });
    await system.settle();
    const [, second] = await seriesOf(u.token, first.id);
    await client.call('POST', `/api/v1/tasks/${second?.id}/complete`, { token: u.token });
    await system.settle();
    const res = await client.call('POST', `/api/v1/tasks/${first.id}/reopen`, { token: u.token });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
