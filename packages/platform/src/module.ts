import type { Subscription } from '@tasktide/events';
import type { Logger } from '@tasktide/service-kit';
import { type AnyElysia, Elysia } from 'elysia';
import type { JobHandler, Platform } from './ports.ts';

/**
 * What a reacting service is, independent of how it runs: its routes, its subscriptions, its job
 * callback and its input bindings (cron). `mountModule` wires it to a platform — daprd routes in the
 * clusters and dev:dapr, in-process consumers and timers in `bun dev`.
 */
export interface ServiceModule {
  appId: string;
  routes: AnyElysia;
  subscriptions: Subscription[];
  onJob?: JobHandler;
  /** Input bindings by component name (e.g. the `reminder-sweep` cron), with the embedded interval. */
  bindings?: Record<string, { handler: () => Promise<void>; embeddedEveryMs: number }>;
  /** Background loops (e.g. an outbox relay or a webhook sender). */
  start?(): void;
  stop?(): Promise<void>;
  /** Work this module still owes (e.g. unpublished outbox rows): 0 when it has caught up. */
  pending?(): Promise<number>;
}

/**
 * Dapr delivers a topic to an app through one subscription (one consumer group per app id): a
 * second subscription on the same topic is silently not served there, while the embedded bus would
 * serve both. Refused here, on both platforms, so `bun dev` and the tests fail the way daprd would.
 */
export function assertOneSubscriptionPerTopic(appId: string, subscriptions: Subscription[]) {
  const seen = new Map<string, string>();
  for (const sub of subscriptions) {
    const key = `${sub.pubsub ?? ''}/${sub.topic}`;
    const other = seen.get(key);
    if (other) {
      throw new Error(
        `${appId}: consumers ${other} and ${sub.consumer} both subscribe to ${sub.topic}; Dapr serves one subscription per topic — handle both event kinds in one`,
      );
    }
    seen.set(key, sub.consumer);
  }
}

export function mountModule(module: ServiceModule, platform: Platform, log?: Logger) {
  assertOneSubscriptionPerTopic(module.appId, module.subscriptions);
  const app = new Elysia({ name: `module:${module.appId}` })
    .use(module.routes)
    .use(platform.pubsub.subscribe(module.subscriptions));
  if (module.onJob) app.use(platform.onJob(module.onJob));
  const timers: ReturnType<typeof setInterval>[] = [];
  for (const [name, binding] of Object.entries(module.bindings ?? {})) {
    if (platform.kind === 'dapr') {
      // daprd POSTs each cron tick to /<binding name>; a 2xx acknowledges it.
      app.post(
        `/${name}`,
        async () => {
          await binding.handler();
          return { ok: true };
        },
        { parse: 'none', detail: { hide: true } },
      );
    } else {
      timers.push(
        setInterval(() => {
          binding.handler().catch((err) => log?.error({ err, binding: name }, 'binding handler failed'));
        }, binding.embeddedEveryMs),
      );
    }
  }
  return {
    app,
    start() {
      module.start?.();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await module.stop?.();
    },
    pending: () => module.pending?.() ?? Promise.resolve(0),
    /** Runs an input binding's handler now, as its trigger would (tests: a sweep at a chosen moment). */
    async runBinding(name: string) {
      const binding = module.bindings?.[name];
      if (!binding) throw new Error(`${module.appId} has no binding ${name}`);
      await binding.handler();
    },
  };
}
