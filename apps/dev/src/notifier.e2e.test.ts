import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiClient } from '@tasktide/api/testing';
import type { DbHandle } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { eventually as poll } from '@tasktide/service-kit/testing';
import { Webhook } from 'standardwebhooks';
import { createSystem, type System } from './system.ts';
import { testSystemEnv } from './testing/system.ts';

const env = {
  ...testSystemEnv,
  WEBHOOK_SIGNING_KEY: 'e2e-webhook-master-key-0000000000000000',
  REMINDER_SWEEP_EVERY_MS: '500',
  REMINDER_SWEEP_GRACE_MS: '1500',
  WEBHOOK_BACKOFF_MS: '200',
};

/** The test kit's poller, with this file's patience. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000) =>
  poll(what, probe, timeoutMs, 100);

/** A webhook receiver on 127.0.0.1 that fails its first `failFirst` requests. */
function receiver(failFirst = 0) {
  const got: { headers: Record<string, string>; body: string; at: number }[] = [];
  let seen = 0;
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      seen++;
      const body = await req.text();
      if (seen <= failFirst) return new Response('nope', { status: 503 });
      got.push({ headers: Object.fromEntries(req.headers), body, at: Date.now() });
      return new Response('ok');
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, got, attempts: () => seen, stop: () => server.stop(true) };
}

describe.each(dbKinds())('reminders, inbox and webhooks end to end (embedded, %s)', (kind) => {
  let db: DbHandle;
  let system: System;
  let client: ReturnType<typeof apiClient>;
  const start = async () => {
    system = await createSystem({ db, env, bus: { pollMs: 50, backoffMs: 50 }, jobsPollMs: 50 });
    system.start();
    client = apiClient((r) => system.app.handle(r));
  };
  beforeAll(async () => {
    db = await createTestDb(kind);
    await start();
  }, 120_000);
  afterAll(async () => {
    await system.stop();
    await db.close();
  });

  /** A task whose single reminder comes due `inMs` from now (reminders are whole minutes before due). */
  const createWithReminder = (token: string, inMs: number, title = 'pay rent') =>
    client.call('POST', '/api/v1/tasks', {
      token,
      body: { title, due_at: new Date(Date.now() + 60_000 + inMs).toISOString(), reminders: [1] },
    });
  const inbox = async (token: string) => (await client.call('GET', '/api/v1/notifications', { token })).body;

  test('a reminder due in 3 s lands in the inbox once, not before its time, and a signed webhook follows', async () => {
    const u = await client.signUp();
    const hook = receiver();
    const created = await client.call('POST', '/api/v1/webhooks', { token: u.token, body: { url: hook.url } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toStartWith('whsec_');
    const { body: task } = await createWithReminder(u.token, 3_000);
    const remindAt = new Date(task.due_at).getTime() - 60_000;
    const page = await eventually('notification', async () => {
      const p = await inbox(u.token);
      return p.items.length ? p : undefined;
    });
    expect(Date.now()).toBeGreaterThanOrEqual(remindAt);
    expect(page.unread_count).toBe(1);
    expect(page.items[0]).toMatchObject({ kind: 'reminder', task_id: task.id, read_at: null });
    expect(new Date(page.items[0].created_at).getTime()).toBeGreaterThanOrEqual(remindAt);
    const delivery = await eventually('webhook', async () => hook.got[0]);
    const verified = new Webhook(created.body.secret).verify(delivery.body, delivery.headers) as {
      type: string;
      data: { task_id: string };
    };
    expect(verified).toMatchObject({ type: 'reminder.due', data: { task_id: task.id } });
    await Bun.sleep(1_500);
    expect((await inbox(u.token)).items).toHaveLength(1);
    expect(hook.got).toHaveLength(1);
    hook.stop();
  }, 60_000);

  test("a deleted task's reminder never fires; nor does a completed one's", async () => {
    const u = await client.signUp();
    const { body: gone } = await createWithReminder(u.token, 1_500, 'deleted');
    const { body: done } = await createWithReminder(u.token, 1_500, 'completed');
    await client.call('DELETE', `/api/v1/tasks/${gone.id}`, { token: u.token });
    await client.call('POST', `/api/v1/tasks/${done.id}/complete`, { token: u.token });
    await Bun.sleep(4_000);
    expect((await inbox(u.token)).items).toHaveLength(0);
  }, 60_000);

  test('moving the due date re-plans the reminder: it fires at the new time only', async () => {
    const u = await client.signUp();
    const { body: task } = await createWithReminder(u.token, 1_000, 'moved');
    const newDue = new Date(Date.now() + 60_000 + 3_500);
    await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: u.token, body: { due_at: newDue.toISOString() } });
    await Bun.sleep(2_000);
    expect((await inbox(u.token)).items).toHaveLength(0);
    const page = await eventually('moved reminder', async () => {
      const p = await inbox(u.token);
      return p.items.length ? p : undefined;
    });
    expect(new Date(page.items[0].created_at).getTime()).toBeGreaterThanOrEqual(newDue.getTime() - 60_000);
    await Bun.sleep(1_000);
    expect((await inbox(u.token)).items).toHaveLength(1);
  }, 60_000);

  test('a reminder already in the past when set is not sent', async () => {
    const u = await client.signUp();
    await client.call('POST', '/api/v1/tasks', {
      token: u.token,
      body: { title: 'soon', due_at: new Date(Date.now() + 30_000).toISOString(), reminders: [60] },
    });
    await Bun.sleep(2_500);
    expect((await inbox(u.token)).items).toHaveLength(0);
  }, 60_000);

  test('notifier down while a reminder comes due: delivered after restart, once, flagged late', async () => {
    const u = await client.signUp();
    const { body: task } = await createWithReminder(u.token, 1_500, 'while down');
    await Bun.sleep(300); // the planner registers the job
    await system.stop();
    await Bun.sleep(3_000);
    await start();
    const page = await eventually('late reminder', async () => {
      const p = await inbox(u.token);
      return p.items.length ? p : undefined;
    });
    expect(page.items[0].task_id).toBe(task.id);
    await Bun.sleep(1_500);
    expect((await inbox(u.token)).items).toHaveLength(1);
  }, 60_000);

  test('webhook failures are retried with backoff and logged; a delivery can be redelivered', async () => {
    const u = await client.signUp();
    const hook = receiver(2);
    const { body: wh } = await client.call('POST', '/api/v1/webhooks', { token: u.token, body: { url: hook.url } });
    await createWithReminder(u.token, 500, 'flaky receiver');
    await eventually('delivered after retries', async () => hook.got[0], 20_000);
    const deliveries = await eventually('delivery log', async () => {
      const res = await client.call('GET', `/api/v1/webhooks/${wh.id}/deliveries`, { token: u.token });
      return res.body[0]?.status === 'succeeded' ? res.body : undefined;
    });
    expect(deliveries[0].attempts).toBe(3);
    const again = await client.call('POST', `/api/v1/webhooks/deliveries/${deliveries[0].id}/redeliver`, {
      token: u.token,
    });
    expect(again.status).toBe(200);
    await eventually('redelivered', async () => (hook.got.length === 2 ? true : undefined));
    expect(hook.got[1]?.headers['webhook-id']).toBe(hook.got[0]?.headers['webhook-id']);
    hook.stop();
  }, 60_000);

  test('inbox: mark one read, mark all read; another user sees nothing and cannot touch it', async () => {
    const u = await client.signUp();
    const other = await client.signUp();
    await createWithReminder(u.token, 1_000, 'a');
    await createWithReminder(u.token, 1_000, 'b');
    const page = await eventually('two notifications', async () => {
      const p = await inbox(u.token);
      return p.items.length === 2 ? p : undefined;
    });
    expect((await inbox(other.token)).items).toHaveLength(0);
    expect(
      (await client.call('POST', `/api/v1/notifications/${page.items[0].id}/read`, { token: other.token })).status,
    ).toBe(404);
    const read = await client.call('POST', `/api/v1/notifications/${page.items[0].id}/read`, { token: u.token });
    expect(read.body.read_at).toBeString();
    expect((await inbox(u.token)).unread_count).toBe(1);
    expect((await client.call('POST', '/api/v1/notifications/read-all', { token: u.token })).body.marked).toBe(1);
    expect((await client.call('GET', '/api/v1/notifications?unread=true', { token: u.token })).body.items).toHaveLength(
      0,
    );
  }, 60_000);

  test.each([
    ['no URL', {}, '/url'],
    ['not a URL', { url: 'nope' }, '/url'],
    ['ftp scheme', { url: 'ftp://example.com/x' }, '/url'],
    ['credentials in the URL', { url: 'https://user:pw@example.com/x' }, '/url'],
  ])('webhook registration rejects %s', async (_n, body, field) => {
    const u = await client.signUp();
    const res = await client.call('POST', '/api/v1/webhooks', { token: u.token, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('inbox and webhook routes need authentication', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/notifications'],
      ['POST', '/api/v1/notifications/read-all'],
      ['GET', '/api/v1/webhooks'],
      ['POST', '/api/v1/webhooks'],
    ] as const) {
      expect((await client.call(method, path, method === 'POST' ? { body: {} } : {})).status).toBe(401);
    }
  });
});
