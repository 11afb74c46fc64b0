import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { testEvent } from '@tasktide/audit/testing';
import { rowsOf, sql } from '@tasktide/db';
import { dbKinds } from '@tasktide/db/testing';
import { eventually as poll } from '@tasktide/service-kit/testing';
import type { System } from './system.ts';
import { startTestSystem, type TestSystem } from './testing/system.ts';

/** The test kit's poller, with this file's patience. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) =>
  poll(what, probe, timeoutMs, 100);

const OPERATOR_TOKEN = 'e2e-operator-token-0000';

// Embedded mode end to end: api → outbox → relay → in-process bus → audit (log + DLQ) → its APIs.
describe.each(dbKinds())('audit end to end (embedded, %s)', (kind) => {
  let system: System;
  let client: TestSystem['client'];
  let stop: TestSystem['stop'];
  beforeAll(async () => {
    ({ system, client, stop } = await startTestSystem(kind, { env: { OPERATOR_TOKEN } }));
  }, 120_000);
  afterAll(() => stop());

  /** Every page of the caller's audit log, oldest first. */
  async function auditLog(token: string, query = '') {
    // biome-ignore lint/suspicious/noExplicitAny: rows as the API returns them
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await client.call(
        'GET',
        `/api/v1/audit/events?order=asc&limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    return items;
  }
  const operator = (method: string, path: string, body?: unknown) =>
    client.call(method, `/internal/dlq${path}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      ...(body ? { body } : {}),
    });

  /** A user's task operations through the api; each writes exactly one event. */
  async function operate(token: string) {
    const ids: string[] = [];
    let operations = 0;
    const ok = (res: { status: number }) => {
      expect(res.status).toBeLessThan(300);
      operations++;
    };
    for (let i = 0; i < 3; i++) {
      const res = await client.call('POST', '/api/v1/tasks', { token, body: { title: `audited ${i}` } });
      ok(res);
      ids.push(res.body.id);
    }
    const [a, b, c] = ids as [string, string, string];
    ok(await client.call('PATCH', `/api/v1/tasks/${a}`, { token, body: { priority: 'high', tags: ['audit'] } }));
    ok(await client.call('POST', `/api/v1/tasks/${a}/complete`, { token }));
    ok(await client.call('POST', `/api/v1/tasks/${a}/reopen`, { token }));
    ok(await client.call('DELETE', `/api/v1/tasks/${b}`, { token }));
    ok(await client.call('POST', `/api/v1/tasks/${c}/complete`, { token }));
    ok(await client.call('DELETE', `/api/v1/tasks/${c}`, { token }));
    return { operations, taskIds: ids };
  }

  test('100 % of task operations appear, once each, in a verifying chain only their user can see', async () => {
    const [alice, bob] = await Promise.all([client.signUp(), client.signUp()]);
    // Both users at once: their chains grow concurrently from both task topics.
    const [a, b] = await Promise.all([operate(alice.token), operate(bob.token)]);
    for (const [user, ops] of [
      [alice, a],
      [bob, b],
    ] as const) {
      // What the api committed for this user (each event once, whatever the topics it goes to).
      const written = rowsOf<{ event_id: string }>(
        await system.db.db.execute(
          sql`select distinct event_id::text from api.outbox where partition_key = ${user.userId}`,
        ),
      );
      expect(written).toHaveLength(ops.operations);
      const log = await eventually('every operation in the audit log', async () => {
        const rows = await auditLog(user.token);
        return rows.length >= ops.operations ? rows : undefined;
      });
      expect(log).toHaveLength(ops.operations);
      expect(log.map((r) => r.event_id).sort()).toEqual(written.map((w) => w.event_id).sort());
      expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
      expect(log.every((r) => r.user_id === user.userId)).toBe(true);
      expect(log.filter((r) => r.event_type === 'task.created')).toHaveLength(3);
      expect(log.filter((r) => r.event_type === 'task.deleted')).toHaveLength(2);
      const verify = await client.call('GET', '/api/v1/audit/verify', { token: user.token });
      expect(verify.body).toMatchObject({ ok: true, rows_checked: ops.operations, first_broken: null });
    }
    // Isolation: neither sees the other's rows, not even by asking for the other's task.
    const bobsView = await auditLog(bob.token);
    const aliceEvents = new Set((await auditLog(alice.token)).map((r) => r.event_id));
    expect(bobsView.some((r) => aliceEvents.has(r.event_id))).toBe(false);
    expect(await auditLog(bob.token, `&task_id=${a.taskIds[0]}`)).toEqual([]);
    // Redeliveries later change nothing.
    await Bun.sleep(500);
    expect(await auditLog(alice.token)).toHaveLength(a.operations);
  }, 60_000);

  test('planning a reminder is announced: reminder.scheduled, with its time and job, under the change', async () => {
    const user = await client.signUp();
    const due = new Date(Date.now() + 3 * 86_400_000);
    due.setUTCSeconds(0, 0);
    const res = await client.call('POST', '/api/v1/tasks', {
      token: user.token,
      body: { title: 'announce me', due_at: due.toISOString(), reminders: [30, 1440] },
      headers: { 'x-correlation-id': 'plan-announce-1' },
    });
    expect(res.status).toBe(201);
    const scheduled = await eventually('both reminder.scheduled events', async () => {
      const rows = (await auditLog(user.token)).filter((r) => r.event_type === 'reminder.scheduled');
      return rows.length >= 2 ? rows : undefined;
    });
    expect(scheduled).toHaveLength(2);
    const byOffset = new Map(scheduled.map((r) => [r.envelope.payload.offset_minutes, r]));
    for (const offset of [30, 1440]) {
      const row = byOffset.get(offset);
      expect(row.task_id).toBe(res.body.id);
      expect(new Date(row.envelope.payload.reminder_time).getTime()).toBe(due.getTime() - offset * 60_000);
      expect(row.envelope.payload.job_name).toStartWith('reminder-');
      expect(row.correlation_id).toBe('plan-announce-1');
    }
  }, 30_000);

  test('a personal API token reads the log too (resolved by the api over service invocation)', async () => {
    const user = await client.signUp();
    await client.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'via token' } });
    const created = await client.call('POST', '/api/v1/tokens', { token: user.token, body: { name: 'audit' } });
    expect(created.status).toBe(201);
    const rows = await eventually('the event', async () => {
      const r = await auditLog(created.body.token);
      return r.length ? r : undefined;
    });
    expect(rows.map((r) => r.event_type)).toEqual(['task.created']);
  }, 30_000);

  test('a poison message ends in dead_letters; a redrive re-delivers it through the same handlers', async () => {
    const bus = system.runtime.platform('e2e-test').pubsub;
    const user = await client.signUp();
    // Poison: not a valid envelope. Every consumer of task-events drops it to task-events-dlq.
    const poison = {
      event_id: crypto.randomUUID(),
      event_type: 'task.created',
      schema_version: 1,
      user_id: user.userId,
    };
    await bus.publish('task-events', [{ key: user.userId, data: poison }]);
    const entries = await eventually('the poison in the DLQ', async () => {
      const res = await operator('GET', '?topic=task-events&limit=100');
      const mine = res.body.items.filter((i: { event_id: string }) => i.event_id === poison.event_id);
      return mine.some((i: { consumer: string }) => i.consumer === 'audit') &&
        mine.some((i: { consumer: string }) => i.consumer === 'recurrence')
        ? mine
        : undefined;
    });
    const auditEntry = entries.find((i: { consumer: string }) => i.consumer === 'audit');
    expect(auditEntry).toMatchObject({ envelope: poison, dead_letter_count: 1, redriven_at: null });
    expect(auditEntry.reason).toStartWith('invalid event');
    const redriven = await operator('POST', `/${auditEntry.id}/redrive`);
    expect(redriven.status).toBe(200);
    expect(redriven.body.redrive_count).toBe(1);
    // Still poison: it is delivered again, fails again, and is back in the DLQ.
    const back = await eventually('the poison back in the DLQ', async () => {
      const res = await operator('GET', `/${auditEntry.id}`);
      return res.body.dead_letter_count === 2 && res.body.redriven_at === null ? res.body : undefined;
    });
    expect(back.redrive_count).toBe(1);

    // A good event the bus gave up on (Dapr dead-letters the envelope unchanged): redrive delivers
    // it to the audit log's idempotent handler, which appends it.
    const good = testEvent('task.deleted', user.userId);
    await bus.publish('task-events-dlq', [{ key: user.userId, data: good }]);
    const entry = await eventually('the dead-lettered event', async () => {
      const res = await operator('GET', '?topic=task-events&limit=100');
      return res.body.items.find((i: { event_id: string }) => i.event_id === good.event_id);
    });
    expect(entry.consumer).toBe('unknown');
    expect(await auditLog(user.token)).toEqual([]);
    const all = await operator('POST', '/redrive', { topic: 'task-events' });
    expect(all.status).toBe(200);
    expect(all.body.redriven).toBeGreaterThanOrEqual(1);
    const log = await eventually('the redriven event in the log', async () => {
      const rows = await auditLog(user.token);
      return rows.length ? rows : undefined;
    });
    expect(log.map((r) => r.event_id)).toEqual([good.event_id]);
    const metrics = await (await system.app.handle(new Request('http://localhost/metrics'))).text();
    expect(metrics).toContain('tasktide_audit_events_appended_total{event_type="task.deleted"');
    expect(metrics).toMatch(/tasktide_dlq_entries\{topic="task-events"[^}]*\} \d+/);
  }, 60_000);
});
