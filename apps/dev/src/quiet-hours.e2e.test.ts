import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type DbHandle, rowsOf, sql } from '@tasktide/db';
import { dbKinds } from '@tasktide/db/testing';
import { createTestClock, type TestClock } from '@tasktide/service-kit';
import type { System } from './system.ts';
import { startTestSystem, type TestSystem } from './testing/system.ts';

/**
 * Notification kinds, preferences and quiet hours through the whole embedded system, on a test
 * clock (quiet hours need hours to pass: the clock moves, nothing sleeps). A notification raised
 * while it is quiet waits and arrives — once, in the inbox and at the webhook — when quiet hours end;
 * a high-priority task's comes at once. Everything is compared after system.settle().
 */
const env = {
  JWT_SECRET: 'quiet-secret-quiet-secret-quiet-secret-00',
  WEBHOOK_SIGNING_KEY: 'quiet-webhook-master-key-0000000000000000',
  REMINDER_SWEEP_EVERY_MS: '200',
  REMINDER_SWEEP_GRACE_MS: '0',
  WEBHOOK_BACKOFF_MS: '100',
  // The clock moves a day in this file: sessions last as long as the api allows.
  ACCESS_TOKEN_TTL_SECONDS: '86400',
};

/** A receiver that records every delivery id (it answers 2xx: a retry would be a second POST). */
function receiver() {
  const got: { id: string; type: string; kind: string; title: string }[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const body = (await req.json()) as { type: string; kind: string; title: string };
      got.push({ id: req.headers.get('webhook-id') ?? '', type: body.type, kind: body.kind, title: body.title });
      return new Response('ok');
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, got, stop: () => server.stop(true) };
}

/** Waits for the webhook sender (it runs on real time, outside settle()): the receiver's count. */
async function received(hook: ReturnType<typeof receiver>, n: number) {
  const until = Date.now() + 20_000;
  while (hook.got.length < n && Date.now() < until) await Bun.sleep(50);
  return hook.got;
}

describe.each(dbKinds())('notification kinds, preferences and quiet hours (embedded, %s)', (kind) => {
  let db: DbHandle;
  let system: System;
  let clock: TestClock;
  let client: TestSystem['client'];
  let stop: TestSystem['stop'];
  // Monday 2030-01-07, 21:00 in Berlin.
  const start = new Date('2030-01-07T20:00:00Z');
  beforeAll(async () => {
    clock = createTestClock(start);
    ({ system, client, stop } = await startTestSystem(kind, {
      env,
      clock,
      bus: { pollMs: 20, backoffMs: 20 },
      jobsPollMs: 20,
    }));
    db = system.db;
  }, 120_000);
  afterAll(() => stop());

  const at = async (iso: string) => {
    clock.advance(new Date(iso).getTime() - clock.now().getTime());
    await system.settle({ timeoutMs: 60_000 });
  };
  const inbox = async (token: string) =>
    (await client.call('GET', '/api/v1/notifications?limit=100', { token })).body.items as {
      kind: string;
      title: string;
      task_id: string;
    }[];
  const titles = async (token: string) => (await inbox(token)).map((n) => n.title).sort();

  test('preferences: defaults, validation, and a webhook’s kinds', async () => {
    const u = await client.signUp();
    const prefs = await client.call('GET', '/api/v1/notifications/preferences', { token: u.token });
    expect(prefs.body).toEqual({
      timezone: 'Europe/Berlin',
      in_app: ['reminder', 'overdue'],
      webhooks: [],
      quiet_hours: null,
    });
    const bad = [
      [{ in_app: ['shouting'], quiet_hours: null }, '/in_app/0'],
      [{ in_app: [], quiet_hours: { start: '22:00', end: '22:00' } }, '/quiet_hours/end'],
      [{ in_app: [], quiet_hours: { start: '25:00', end: '07:00' } }, '/quiet_hours'],
      [
        { in_app: [], quiet_hours: null, webhooks: [{ webhook_id: crypto.randomUUID(), kinds: [] }] },
        '/webhooks/0/webhook_id',
      ],
    ] as const;
    for (const [body, field] of bad) {
      const res = await client.call('PUT', '/api/v1/notifications/preferences', { token: u.token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const other = await client.signUp();
    const theirs = await client.call('POST', '/api/v1/webhooks', {
      token: other.token,
      body: { url: 'http://127.0.0.1:9/x' },
    });
    const notMine = await client.call('PUT', '/api/v1/notifications/preferences', {
      token: u.token,
      body: { in_app: [], quiet_hours: null, webhooks: [{ webhook_id: theirs.body.id, kinds: ['overdue'] }] },
    });
    expect(notMine.status).toBe(400);
    const hook = await client.call('POST', '/api/v1/webhooks', {
      token: u.token,
      body: { url: 'http://127.0.0.1:9/y' },
    });
    expect(hook.body.kinds).toEqual(['reminder']);
    const saved = await client.call('PUT', '/api/v1/notifications/preferences', {
      token: u.token,
      body: {
        in_app: ['overdue'],
        quiet_hours: { start: '22:30', end: '06:45' },
        webhooks: [{ webhook_id: hook.body.id, kinds: ['overdue', 'next_occurrence'] }],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      in_app: ['overdue'],
      quiet_hours: { start: '22:30', end: '06:45' },
      webhooks: [{ webhook_id: hook.body.id, kinds: ['overdue', 'next_occurrence'] }],
    });
    expect((await client.call('GET', '/api/v1/webhooks', { token: u.token })).body[0].kinds).toEqual([
      'overdue',
      'next_occurrence',
    ]);
    const anon = await client.call('GET', '/api/v1/notifications/preferences', {});
    expect(anon.status).toBe(401);
  });

  test('quiet hours delay a notification — never drop it — and it is delivered once; urgent ones come at once', async () => {
    const u = await client.signUp(); // Europe/Berlin
    const hook = receiver();
    const created = await client.call('POST', '/api/v1/webhooks', {
      token: u.token,
      body: { url: hook.url, kinds: ['reminder', 'overdue'] },
    });
    await client.call('PUT', '/api/v1/notifications/preferences', {
      token: u.token,
      body: { in_app: ['reminder', 'overdue'], quiet_hours: { start: '22:00', end: '07:00' } },
    });
    // Both due 22:40 Berlin, reminded at 22:30 — inside quiet hours. One is high priority.
    const due = '2030-01-07T21:40:00Z';
    const calm = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'calm', due_at: due, reminders: [10] },
    });
    const urgent = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'urgent', due_at: due, reminders: [10], priority: 'high' },
    });
    expect([calm.status, urgent.status]).toEqual([201, 201]);
    await system.settle();

    await at('2030-01-07T21:35:00Z'); // 22:35: both reminders fired
    expect(await titles(u.token)).toEqual(['Reminder: urgent']);
    await at('2030-01-07T21:45:00Z'); // 22:45: both overdue
    expect(await titles(u.token)).toEqual(['Overdue: urgent', 'Reminder: urgent']);
    expect((await received(hook, 2)).map((d) => d.title).sort()).toEqual(['Overdue: urgent', 'Reminder: urgent']);

    await at('2030-01-08T05:59:00Z'); // 06:59: still quiet
    expect(await titles(u.token)).toHaveLength(2);
    await at('2030-01-08T06:00:00Z'); // 07:00: quiet hours end, the held ones arrive
    expect(await titles(u.token)).toEqual(['Overdue: calm', 'Overdue: urgent', 'Reminder: calm', 'Reminder: urgent']);
    const deliveries = await received(hook, 4);

    // Once: a restarted notifier and a sweep over a clock moved on deliver nothing again.
    await system.restart('notifier');
    await at('2030-01-08T06:30:00Z');
    await at('2030-01-08T12:00:00Z');
    const items = await inbox(u.token);
    expect(items).toHaveLength(4);
    expect(
      items
        .filter((n) => n.task_id === calm.body.id)
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['overdue', 'reminder']);
    // One delivery row per notification, each sent once and answered 2xx (nothing left to retry).
    const rows = rowsOf<{ status: string; attempts: number }>(
      await db.db.execute(sql`select status, attempts from notifier.webhook_deliveries where user_id = ${u.userId}`),
    );
    expect(rows).toEqual(Array.from({ length: 4 }, () => ({ status: 'succeeded', attempts: 1 })));
    expect(hook.got).toHaveLength(4);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(4);
    expect(created.status).toBe(201);
    hook.stop();
  }, 120_000);

  test('a next occurrence is announced only to those who want it', async () => {
    const u = await client.signUp();
    const first = await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: {
        title: 'water plants',
        due_at: new Date(clock.now().getTime() + 3_600_000).toISOString(),
        recurrence: 'daily',
      },
    });
    await client.call('POST', `/api/v1/tasks/${first.body.id}/complete`, { token: u.token });
    await system.settle();
    expect((await inbox(u.token)).filter((n) => n.kind === 'next_occurrence')).toEqual([]);

    await client.call('PUT', '/api/v1/notifications/preferences', {
      token: u.token,
      body: { in_app: ['reminder', 'overdue', 'next_occurrence'], quiet_hours: null },
    });
    const [next] = (
      await client.call('GET', `/api/v1/tasks?series_id=${first.body.id}&status=open`, { token: u.token })
    ).body.items;
    await client.call('POST', `/api/v1/tasks/${next.id}/complete`, { token: u.token });
    await system.settle();
    const announced = (await inbox(u.token)).filter((n) => n.kind === 'next_occurrence');
    expect(announced).toHaveLength(1);
    expect(announced[0]?.title).toBe('Next: water plants');
  }, 60_000);
});
