import { describe, expect, test } from 'bun:test';
import { defineSubscription, success, topics } from '@tasktide/events';
import { assertOneSubscriptionPerTopic } from './module.ts';

const on = (consumer: string, topic: string) =>
  defineSubscription({ consumer, topic, types: ['task.created'], handler: async () => success });

describe('one subscription per topic, as daprd serves them', () => {
  test('two consumers of one topic are refused with both names', () => {
    expect(() =>
      assertOneSubscriptionPerTopic('notifier', [on('plan', topics.taskEvents), on('tell', topics.taskEvents)]),
    ).toThrow(/plan and tell both subscribe to task-events/);
  });

  test('one consumer per topic passes', () => {
    expect(() =>
      assertOneSubscriptionPerTopic('notifier', [on('plan', topics.taskEvents), on('tell', topics.reminders)]),
    ).not.toThrow();
  });
});
