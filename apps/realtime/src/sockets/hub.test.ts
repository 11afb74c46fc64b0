import { describe, expect, test } from 'bun:test';
import { createEvent } from '@tasktide/events';
import { Registry } from 'prom-client';
import type { BufferedEvent, Replay } from '../buffer/service.ts';
import { createRealtimeMetrics } from '../metrics.ts';
import { closeCodes } from './model.ts';
import { createSocketHub, type SocketLike } from './service.ts';

class FakeSocket implements SocketLike {
  messages: Record<string, unknown>[] = [];
  closed?: { code?: number; reason?: string };
  buffered = 0;
  sendStatus = 1;
  send(text: string) {
    if (this.closed) return 0;
    this.messages.push(JSON.parse(text));
    return this.sendStatus;
  }
  getBufferedAmount() {
    return this.buffered;
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  eventIds() {
    return this.messages.filter((m) => 'event_id' in m).map((m) => m.event_id);
  }
  controls() {
    return this.messages.filter((m) => 'type' in m);
  }
}

const eventFor = (userId: string) =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    { userId, correlationId: 'hub-test' },
  ) as unknown as BufferedEvent;

function setup(opts: { since?: (userId: string, last: string) => Promise<Replay>; maxSocketsPerUser?: number } = {}) {
  const registry = new Registry();
  const metrics = createRealtimeMetrics(registry);
  const since = opts.since ?? (async () => ({ status: 'replay', events: [] }) as Replay);
  const hub = createSocketHub({
    buffer: { since },
    metrics,
    maxBufferedBytes: 1000,
    maxSocketsPerUser: opts.maxSocketsPerUser,
  });
  const gauge = async () => (await registry.getSingleMetricAsString('tasktide_ws_connections')).split('\n').at(-1);
  return { hub, registry, gauge };
}

describe('socket hub: routing', () => {
  test("an event reaches every socket of its user and no other user's socket", async () => {
    const { hub, gauge } = setup();
    const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const [a1, a2, b1] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    await hub.open('a1', a1, { userId: alice });
    await hub.open('a2', a2, { userId: alice });
    await hub.open('b1', b1, { userId: bob });
    expect(await gauge()).toBe('tasktide_ws_connections 3');
    const event = eventFor(alice);
    expect(hub.publish(event)).toBe(2);
    expect(a1.eventIds()).toEqual([event.event_id]);
    expect(a2.messages.at(-1)).toEqual(event);
    expect(b1.eventIds()).toEqual([]);
    expect(b1.controls()).toEqual([{ type: 'ready', user_id: bob, replayed: 0 }]);
  });

  test('a closed socket gets nothing more; the same event is never sent twice to one socket', async () => {
    const { hub, gauge } = setup();
    const user = crypto.randomUUID();
    const [s1, s2] = [new FakeSocket(), new FakeSocket()];
    await hub.open('s1', s1, { userId: user });
    await hub.open('s2', s2, { userId: user });
    const event = eventFor(user);
    hub.publish(event);
    hub.publish(event); // a redelivery
    hub.close('s1');
    hub.close('s1');
    const next = eventFor(user);
    expect(hub.publish(next)).toBe(1);
    expect(s1.eventIds()).toEqual([event.event_id]);
    expect(s2.eventIds()).toEqual([event.event_id, next.event_id]);
    expect(await gauge()).toBe('tasktide_ws_connections 1');
  });

  test('ping is answered with pong', async () => {
    const { hub } = setup();
    const s = new FakeSocket();
    await hub.open('s', s, { userId: crypto.randomUUID() });
    hub.onMessage('s', { type: 'ping' });
    hub.onMessage('s', 'garbage');
    expect(s.controls().map((m) => m.type)).toEqual(['ready', 'pong']);
  });
});

describe('socket hub: resume', () => {
  test('replays what was missed, then the events that arrived during the replay, without duplicates', async () => {
    const user = crypto.randomUUID();
    const missed = [eventFor(user), eventFor(user)];
    const duringReplay = eventFor(user);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { hub } = setup({
      since: async () => {
        await gate;
        return { status: 'replay', events: missed };
      },
    });
    const s = new FakeSocket();
    const opening = hub.open('s', s, { userId: user, lastEventId: Bun.randomUUIDv7() });
    hub.publish(missed[1]!); // live copy of an event the replay also holds
    hub.publish(duringReplay);
    expect(s.messages).toEqual([]);
    release();
    await opening;
    expect(s.eventIds()).toEqual([missed[0]!.event_id, missed[1]!.event_id, duringReplay.event_id]);
    expect(s.messages.at(-1)).toEqual({ type: 'ready', user_id: user, replayed: 2 });
  });

  test.each([
    'unknown_event_id',
    'expired',
    'too_many_missed',
  ] as const)('resync (%s) tells the client to reload, then it goes live', async (reason) => {
    const user = crypto.randomUUID();
    const { hub } = setup({ since: async () => ({ status: 'resync', reason }) });
    const s = new FakeSocket();
    await hub.open('s', s, { userId: user, lastEventId: Bun.randomUUIDv7() });
    expect(s.messages).toEqual([
      { type: 'resync', reason },
      { type: 'ready', user_id: user, replayed: 0 },
    ]);
    const event = eventFor(user);
    hub.publish(event);
    expect(s.eventIds()).toEqual([event.event_id]);
  });

  test('a failing buffer is a resync (unavailable), not a broken socket', async () => {
    const { hub } = setup({
      since: async () => {
        throw new Error('database down');
      },
    });
    const s = new FakeSocket();
    await hub.open('s', s, { userId: crypto.randomUUID(), lastEventId: Bun.randomUUIDv7() });
    expect(s.controls()[0]).toEqual({ type: 'resync', reason: 'unavailable' });
    expect(s.closed).toBeUndefined();
  });
});

describe('socket hub: limits', () => {
  test('a slow consumer is closed with 1013 instead of queueing without bound', async () => {
    const { hub } = setup();
    const user = crypto.randomUUID();
    const [slow, fast] = [new FakeSocket(), new FakeSocket()];
    await hub.open('slow', slow, { userId: user });
    await hub.open('fast', fast, { userId: user });
    slow.buffered = 5000;
    slow.sendStatus = -1;
    hub.publish(eventFor(user));
    expect(slow.closed).toEqual({ code: closeCodes.tryAgainLater, reason: 'slow consumer' });
    hub.publish(eventFor(user));
    expect(slow.eventIds()).toHaveLength(1);
    expect(fast.eventIds()).toHaveLength(2);
    expect(hub.count(user)).toBe(1);
  });

  test('the socket closes with 4401 when its token expires', async () => {
    const { hub } = setup();
    const s = new FakeSocket();
    await hub.open('s', s, { userId: crypto.randomUUID(), expiresAt: new Date(Date.now() + 50) });
    expect(s.closed).toBeUndefined();
    await Bun.sleep(100);
    expect(s.closed).toEqual({ code: closeCodes.tokenExpired, reason: 'token expired' });
    expect(hub.count()).toBe(0);
  });

  test('sockets per user are capped; shutdown closes every socket with 1001', async () => {
    const { hub } = setup({ maxSocketsPerUser: 2 });
    const user = crypto.randomUUID();
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    for (const [i, s] of sockets.entries()) await hub.open(`s${i}`, s, { userId: user });
    expect(sockets[2]!.closed).toEqual({ code: closeCodes.policyViolation, reason: 'too many sockets' });
    expect(hub.count(user)).toBe(2);
    hub.closeAll();
    expect(sockets.slice(0, 2).map((s) => s.closed?.code)).toEqual([1001, 1001]);
    expect(hub.count()).toBe(0);
  });
});
