import { createTestDb } from '@tasktide/db/testing';
import { Elysia } from 'elysia';
import { platformConformance } from '../testing/conformance.ts';
import { createEmbeddedRuntime } from './runtime.ts';

platformConformance('embedded adapter (PGlite)', async () => {
  const db = await createTestDb('pglite');
  const runtime = await createEmbeddedRuntime({
    db,
    bus: { maxAttempts: 4, backoffMs: 50, pollMs: 50 },
    jobsPollMs: 100,
    env: { 'conformance-secret': 's3cr3t' },
  });
  return {
    async start({ subscriptions, onJob, routes }) {
      const platform = runtime.platform('conformance');
      const app = new Elysia().use(routes).use(platform.pubsub.subscribe(subscriptions)).use(platform.onJob(onJob));
      runtime.registerApp('conformance', (req) => app.handle(req));
      return platform;
    },
    async close() {
      await runtime.close();
      await db.close();
    },
  };
});
