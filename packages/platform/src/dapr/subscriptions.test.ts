import { describe, expect, test } from 'bun:test';
import { createEvent, defineSubscription, drop, retry, success, topics } from '@tasktide/events';
import { daprSubscriptionRoutes } from './subscriptions.ts';

const noPublish = { publish: async () => ({ published: [], failed: [] }) };

describe('GET /dapr/subscribe', () => {
  test('lists each subscription under its own pub/sub component, else the app default', async () => {
    const app = daprSubscriptionRoutes({
      pubsubName: 'pubsub',
      publisher: noPublish,
      subscriptions: [
        defineSubscription({ consumer: 'audit', topic: topics.taskEvents, handler: async () => success }),
        defineSubscription({
          consumer: 'realtime',
          topic: topics.taskUpdates,
          pubsub: 'pubsub-realtime',
          handler: async () => success,
        }),
      ],
    });
    const res = await app.handle(new Request('http://localhost/dapr/subscribe'));
    const body = (await res.json()) as { pubsubname: string; topic: string }[];
    expect(body.map((s) => [s.topic, s.pubsubname])).toEqual([
      ['task-events', 'pubsub'],
      ['task-updates', 'pubsub-realtime'],
    ]);
  });
});

const taskDeleted = () =>
  createEvent(
    'task.deleted',
    { task_id: crypto.randomUUID(), scope: 'occurrence', series_id: null },
    { userId: crypto.randomUUID(), correlationId: 'bulk-test' },
  );

/** A bulk delivery as daprd posts it: CloudEvents (data inline) with entry ids. */
const bulkOf = (events: unknown[]) => ({
  id: crypto.randomUUID(),
  topic: 'task-events',
  pubsubname: 'pubsub',
  type: 'com.dapr.event.sent.bulk',
  entries: events.map((data, i) => ({
    entryId: String(i),
    event: { id: crypto.randomUUID(), topic: 'task-events', datacontenttype: 'application/json', data },
    contentType: 'application/cloudevents+json',
    metadata: {},
  })),
});

describe('bulk deliveries', () => {
  /** Routes whose handler answers per event id as `outcomes` says (default success), recording calls. */
  function routes(outcomes: Record<string, 'retry' | 'drop'>) {
    const handled: string[] = [];
    const deadLettered: unknown[] = [];
    const app = daprSubscriptionRoutes({
      pubsubName: 'pubsub',
      publisher: {
        publish: async (_topic, messages) => {
          deadLettered.push(...messages.map((m) => m.data));
          return { published: messages.map((m) => (m.data as { event_id: string }).event_id), failed: [] };
        },
      },
      subscriptions: [
        defineSubscription({
          consumer: 'audit',
          topic: topics.taskEvents,
          handler: async (event) => {
            handled.push(event.event_id);
            const outcome = outcomes[event.event_id];
            return outcome === 'retry' ? retry('not yet') : outcome === 'drop' ? drop('poison') : success;
          },
        }),
      ],
    });
    const send = async (body: unknown, contentType = 'application/json') => {
      const request = new Request('http://localhost/events/audit/task-events', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify(body),
      });
      return (await app.handle(request)).json();
    };
    const post = async (body: unknown) => (await send(body)) as { statuses: { entryId: string; status: string }[] };
    return { post, send, handled, deadLettered };
  }

  test('the subscription list asks daprd for bulk delivery with a short wait', async () => {
    const app = daprSubscriptionRoutes({
      pubsubName: 'pubsub',
      publisher: noPublish,
      subscriptions: [
        defineSubscription({ consumer: 'audit', topic: topics.taskEvents, handler: async () => success }),
      ],
    });
    const [sub] = (await (await app.handle(new Request('http://localhost/dapr/subscribe'))).json()) as {
      bulkSubscribe: { enabled: boolean; maxMessagesCount: number; maxAwaitDurationMs: number };
    }[];
    expect(sub?.bulkSubscribe).toEqual({ enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 10 });
  });

  test('every entry is handled in order and answered by its entry id', async () => {
    const events = [taskDeleted(), taskDeleted(), taskDeleted()];
    const { post, handled } = routes({});
    const { statuses } = await post(bulkOf(events));
    expect(handled).toEqual(events.map((e) => e.event_id));
    expect(statuses).toEqual([
      { entryId: '0', status: 'SUCCESS' },
      { entryId: '1', status: 'SUCCESS' },
      { entryId: '2', status: 'SUCCESS' },
    ]);
  });

  test('an entry to retry is answered RETRY alone: the rest is handled (daprd dead-letters every entry it retries)', async () => {
    const [a, b, c] = [taskDeleted(), taskDeleted(), taskDeleted()];
    const { post, handled } = routes({ [b.event_id]: 'retry' });
    const { statuses } = await post(bulkOf([a, b, c]));
    expect(handled).toEqual([a.event_id, b.event_id, c.event_id]);
    expect(statuses.map((s) => s.status)).toEqual(['SUCCESS', 'RETRY', 'SUCCESS']);
  });

  test('a poison entry goes to the DLQ topic and the batch goes on; an invalid one too', async () => {
    const [poison, fine] = [taskDeleted(), taskDeleted()];
    const { post, handled, deadLettered } = routes({ [poison.event_id]: 'drop' });
    const { statuses } = await post(bulkOf([poison, { not: 'an event' }, fine]));
    expect(statuses.map((s) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(handled).toEqual([poison.event_id, fine.event_id]);
    expect(deadLettered).toHaveLength(2);
    expect(deadLettered[0]).toMatchObject({ event_id: poison.event_id, dead_letter: { reason: 'poison' } });
    expect(deadLettered[1]).toMatchObject({ dead_letter: { reason: expect.stringContaining('invalid event') } });
  });

  test('a single CloudEvent (no bulk) is still delivered', async () => {
    const event = taskDeleted();
    const { send, handled } = routes({});
    expect(await send({ id: 'x', data: event }, 'application/cloudevents+json')).toEqual({ status: 'SUCCESS' });
    expect(handled).toEqual([event.event_id]);
  });
});
