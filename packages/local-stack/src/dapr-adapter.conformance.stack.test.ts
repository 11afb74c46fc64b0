import { platformConformance } from '@tasktide/platform/testing';
import { Elysia } from 'elysia';
import { stackEnabled } from './enabled.ts';
import { sharedStack } from './stack.ts';

// The same contract as the embedded adapter, against real daprd + scheduler + Kafka + Postgres.
platformConformance(
  'Dapr adapter (real daprd 1.18, Kafka 4, scheduler, Postgres state)',
  async () => {
    const stack = await sharedStack('dapr.conformance.stack');
    return {
      // Kafka consumer groups need a moment to join after daprd subscribes.
      settleMs: 3_000,
      async start({ subscriptions, onJob, routes }) {
        const app = await stack.startApp(`conformance-${crypto.randomUUID().slice(0, 6)}`, (platform) =>
          new Elysia().use(routes).use(platform.pubsub.subscribe(subscriptions)).use(platform.onJob(onJob)),
        );
        return app.platform;
      },
      close: () => stack.close(),
    };
  },
  { skip: !stackEnabled },
);
