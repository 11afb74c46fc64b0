import { describe, expect, test } from 'bun:test';
import { dbKinds, useTestDb } from '@tasktide/db/testing';
import { createEvent } from '@tasktide/events';
import { realtimeMigrations } from '../db/migrations.ts';
import { type BufferedEvent, createReplayBuffer } from './service.ts';

const eventFor = (userId: string) =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    { userId, correlationId: 'buffer-test' },
  ) as unknown as BufferedEvent;

describe.each(dbKinds())('replay buffer (%s)', (kind) => {
  const db = useTestDb(kind, { migrations: [realtimeMigrations] });

  test('a resuming client gets exactly the events after the one it saw, in arrival order, only its own', async () => {
    const buffer = createReplayBuffer(db.db);
    const [me, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const mine = Array.from({ length: 5 }, () => eventFor(me));
    for (const [i, event] of mine.entries()) {
      await buffer.append(event);
      await buffer.append(eventFor(other));
      if (i === 3) await buffer.append(mine[1] as BufferedEvent); // a second replica's copy: a no-op
    }
    const replay = await buffer.since(me, mine[1]!.event_id);
    expect(replay.status).toBe('replay');
    if (replay.status !== 'replay') return;
    expect(replay.events.map((e) => e.event_id)).toEqual(mine.slice(2).map((e) => e.event_id));
    expect(replay.events[0]).toEqual(mine[2]!);
    const caughtUp = await buffer.since(me, mine[4]!.event_id);
    expect(caughtUp).toEqual({ status: 'replay', events: [] });
  });

  test.each([
    ['an id it never had', 'unknown_event_id'],
    ["another user's event", 'unknown_event_id'],
    ['an event older than the retention', 'expired'],
    ['more missed events than the buffer keeps per user', 'too_many_missed'],
  ] as const)('%s → resync (%s)', async (situation, reason) => {
    const buffer = createReplayBuffer(db.db, { perUser: 3, retentionMs: 60_000 });
    const me = crypto.randomUUID();
    const seen = eventFor(me);
    await buffer.append(seen);
    let lastEventId = seen.event_id;
    let now = new Date();
    if (situation === 'an id it never had') lastEventId = Bun.randomUUIDv7();
    if (situation === "another user's event") {
      const theirs = eventFor(crypto.randomUUID());
      await buffer.append(theirs);
      lastEventId = theirs.event_id;
    }
    if (situation === 'an event older than the retention') now = new Date(Date.now() + 61_000);
    if (situation === 'more missed events than the buffer keeps per user') {
      for (let i = 0; i < 4; i++) await buffer.append(eventFor(me));
    }
    expect(await buffer.since(me, lastEventId, now)).toEqual({ status: 'resync', reason });
  });

  test('prune keeps the newest events per user and drops those past the retention', async () => {
    const buffer = createReplayBuffer(db.db, { perUser: 2, retentionMs: 60_000 });
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const ofA = [eventFor(a), eventFor(a), eventFor(a)];
    for (const e of [...ofA, eventFor(b)]) await buffer.append(e);
    await buffer.prune();
    const kept = await createReplayBuffer(db.db, { perUser: 10 }).since(a, ofA[1]!.event_id);
    expect(kept).toEqual({ status: 'replay', events: [ofA[2]!] });
    expect(await buffer.since(a, ofA[0]!.event_id)).toEqual({ status: 'resync', reason: 'unknown_event_id' });
    await buffer.prune(new Date(Date.now() + 61_000));
    expect(await buffer.since(a, ofA[2]!.event_id)).toEqual({ status: 'resync', reason: 'unknown_event_id' });
  });
});
