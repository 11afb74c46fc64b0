import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { topicRetentionMs } from '@tasktide/events';
import { stackEnabled } from './enabled.ts';
import { createTopics, topicPlan, topicRetention } from './kafka.ts';
import { type LocalStack, sharedStack } from './stack.ts';

// The local broker gets the same retention as the clusters' topic job (both read packages/events).
describe.skipIf(!stackEnabled)('local Kafka topics (real broker)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await sharedStack('kafka.topics.stack');
  }, 120_000);
  afterAll(() => stack?.close());

  test('every topic carries the planned retention.ms', async () => {
    const plan = topicPlan();
    const onBroker = await topicRetention(
      stack.kafka.brokers,
      plan.map((t) => t.topic),
    );
    expect(onBroker).toEqual(Object.fromEntries(plan.map((t) => [t.topic, t.retentionMs])));
    expect(onBroker['task-events']).toBe(topicRetentionMs['task-events']);
  });

  test('creating topics again resets a retention changed by hand (a reused dev:dapr data dir)', async () => {
    const plan = topicPlan().filter((t) => t.topic === 'reminders');
    await createTopics(stack.kafka.brokers, [{ ...plan[0]!, retentionMs: 60_000 }]);
    expect(await topicRetention(stack.kafka.brokers, ['reminders'])).toEqual({ reminders: 60_000 });
    await createTopics(stack.kafka.brokers, plan);
    expect(await topicRetention(stack.kafka.brokers, ['reminders'])).toEqual({ reminders: plan[0]!.retentionMs });
  });
});
