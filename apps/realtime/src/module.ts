import type { Db } from '@tasktide/db';
import { defineSubscription, retry, success, topics } from '@tasktide/events';
import type { ServiceModule } from '@tasktide/platform';
import type { Authenticate, Logger } from '@tasktide/service-kit';
import type { Registry } from 'prom-client';
import { type BufferedEvent, createReplayBuffer, type ReplayBuffer } from './buffer/service.ts';
import { createRealtimeMetrics } from './metrics.ts';
import { socketRoutes } from './sockets/index.ts';
import { createSocketHub, type SocketHub, type SocketHubOptions } from './sockets/service.ts';

export { realtimeMigrations } from './db/migrations.ts';

export const REALTIME_APP_ID = 'realtime';
/**
 * realtime's own Dapr pub/sub component: its consumer group is the pod (`{podName}` in clusters,
 * `{uuid}` locally) and it starts at the newest offset, so every replica sees every update.
 */
export const REALTIME_PUBSUB = 'pubsub-realtime';

/** The module plus its hub and buffer, which tests and the benchmark look into. */
export type RealtimeModule = ServiceModule & { hub: SocketHub; buffer: ReplayBuffer };

export interface RealtimeModuleOptions {
  /** Holds the replay buffer (schema `realtime`; run `realtimeMigrations` first). */
  db: Db;
  authenticate: Authenticate;
  registry: Registry;
  log?: Logger;
  /**
   * Consumer name. Under Dapr the group comes from the component, so keep the default; on the
   * embedded bus every name is its own group — give each in-process "replica" its own.
   */
  consumer?: string;
  perUser?: number;
  retentionMs?: number;
  pruneEveryMs?: number;
  sockets?: Omit<SocketHubOptions, 'buffer' | 'metrics' | 'log'>;
}

/**
 * Live task updates over WebSockets: consumes `task-updates`, appends each event to the replay
 * buffer, then pushes it to every socket of its user on this replica.
 */
export function createRealtimeModule({
  db,
  authenticate,
  registry,
  log,
  consumer = REALTIME_APP_ID,
  perUser = 200,
  retentionMs = 24 * 3600_000,
  pruneEveryMs = 5 * 60_000,
  sockets,
}: RealtimeModuleOptions): RealtimeModule {
  const metrics = createRealtimeMetrics(registry);
  const buffer = createReplayBuffer(db, { perUser, retentionMs });
  const hub = createSocketHub({ buffer, metrics, log, ...sockets });

  const updates = defineSubscription({
    consumer,
    topic: topics.taskUpdates,
    pubsub: REALTIME_PUBSUB,
    handler: async (envelope) => {
      const event = envelope as unknown as BufferedEvent;
      // A fresh embedded consumer starts at the beginning of the log: history nobody can resume to.
      if (Date.now() - Date.parse(event.timestamp) > retentionMs) return success;
      let buffered = true;
      try {
        await buffer.append(event);
      } catch (err) {
        buffered = false;
        metrics.bufferFailures.inc();
        log?.warn({ err, event_id: event.event_id }, 'replay buffer write failed');
      }
      // Live sockets get the event either way; the retry only fills the buffer (sockets dedupe by id).
      hub.publish(event);
      return buffered ? success : retry('replay buffer write failed');
    },
  });

  let pruner: ReturnType<typeof setInterval> | undefined;
  return {
    appId: REALTIME_APP_ID,
    routes: socketRoutes({ authenticate, hub }),
    subscriptions: [updates],
    start() {
      pruner = setInterval(() => {
        buffer.prune().catch((err) => log?.warn({ err }, 'replay buffer prune failed'));
      }, pruneEveryMs);
    },
    async stop() {
      if (pruner) clearInterval(pruner);
      hub.closeAll();
    },
    hub,
    buffer,
  };
}
