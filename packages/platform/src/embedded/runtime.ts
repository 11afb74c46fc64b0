import { fileURLToPath } from 'node:url';
import type { DbHandle } from '@tasktide/db';
import type { Subscription } from '@tasktide/events';
import type { Clock, Logger } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { propagationHeaders } from '../delivery.ts';
import type { BusMetrics } from '../metrics.ts';
import type { Platform } from '../ports.ts';
import { createEmbeddedBus, type EmbeddedBusOptions } from './bus.ts';
import { createEmbeddedScheduler } from './jobs.ts';
import { createEmbeddedState } from './state.ts';

export const embeddedMigrations = {
  migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  migrationsSchema: 'embedded',
};

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * The in-process stand-in for daprd + Kafka + scheduler, shared by every app in the `bun dev`
 * process. `platform(appId)` hands each app the same ports the Dapr adapter implements.
 */
export async function createEmbeddedRuntime(opts: {
  db: DbHandle;
  log?: Logger;
  metrics?: BusMetrics;
  bus?: Omit<EmbeddedBusOptions, 'db' | 'log' | 'metrics'>;
  jobsPollMs?: number;
  env?: Record<string, string | undefined>;
  clock?: Clock;
}) {
  await opts.db.migrate(embeddedMigrations);
  const db = opts.db.db;
  const bus = createEmbeddedBus({ db, log: opts.log, metrics: opts.metrics, ...opts.bus });
  const scheduler = createEmbeddedScheduler({ db, log: opts.log, pollMs: opts.jobsPollMs, clock: opts.clock });
  const apps = new Map<string, FetchHandler>();
  const env = opts.env ?? process.env;

  function platform(appId: string): Platform {
    const consumers: { stop(): Promise<void> }[] = [];
    let jobsRegistered = false;
    return {
      kind: 'embedded',
      appId,
      pubsub: {
        publish: bus.publish,
        subscribe(subscriptions: Subscription[]) {
          consumers.push(bus.start(subscriptions));
          return new Elysia({ name: `embedded-subscriptions:${appId}` });
        },
        close: async () => {},
      },
      state: createEmbeddedState(db, appId),
      secrets: { get: async (name) => env[name] },
      invoker: {
        async invoke(target, path, init = {}) {
          const handler = apps.get(target);
          if (!handler) return new Response(`no app ${target}`, { status: 503 });
          const headers = new Headers(init.headers);
          for (const [k, v] of Object.entries(propagationHeaders())) if (!headers.has(k)) headers.set(k, v);
          return handler(new Request(`http://${target}.embedded/${path.replace(/^\//, '')}`, { ...init, headers }));
        },
      },
      jobs: scheduler.forApp(appId),
      onJob(handler) {
        scheduler.register(appId, handler);
        jobsRegistered = true;
        return new Elysia({ name: `embedded-jobs:${appId}` });
      },
      ready: async () => {},
      // Like a sidecar going away with its app: this app's consumers and job callbacks stop.
      async close() {
        if (jobsRegistered) scheduler.unregister(appId);
        await Promise.all(consumers.splice(0).map((c) => c.stop()));
      },
    };
  }

  return {
    platform,
    /** Makes an app reachable by service invocation under its id. */
    registerApp(appId: string, handler: FetchHandler) {
      apps.set(appId, handler);
    },
    bus,
    /** Work the runtime still owes: unconsumed messages plus jobs already due. */
    async pending(): Promise<number> {
      return (await bus.backlog()) + (await scheduler.due());
    },
    async close() {
      await bus.close();
      await scheduler.close();
    },
  };
}

export type EmbeddedRuntime = Awaited<ReturnType<typeof createEmbeddedRuntime>>;
