import { describe, expect, test } from 'bun:test';
import { defineSubscription, success, topics } from '@tasktide/events';
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
