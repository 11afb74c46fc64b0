import type { Db } from '@tasktide/db';
import { defineSubscription, retry, success, topics } from '@tasktide/events';
import type { ServiceModule } from '@tasktide/platform';
import type { Authenticate, Logger } from '@tasktide/service-kit';
import type { Registry } from 'prom-client';
import { type BufferedEvent, createReplayBuffer, type ReplayBuffer } from './buffer/service.ts';
import { createMembership, type Membership, type MembershipFact, projectOf } from './members/service.ts';
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
export type RealtimeModule = ServiceModule & { hub: SocketHub; buffer: ReplayBuffer; members: Membership };

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
 * Live task updates over WebSockets: consumes `task-updates` (and the comments of `task-events`),
 * appends each event to the replay buffer of every recipient, then pushes it to their sockets on
 * this replica. The recipients of an event of project P are P's active members (realtime's own
 * projection, fed by member.* and project.deleted from `task-events`) and the acting user.
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
  const members = createMembership(db);

  /** Buffers and pushes one update to its recipients; retried when the buffer or the lookup failed. */
  async function deliver(event: BufferedEvent) {
    // A fresh embedded consumer starts at the beginning of the log: history nobody can resume to.
    if (Date.now() - Date.parse(event.timestamp) > retentionMs) return success;
    const projectId = projectOf(event);
    let recipients = [event.user_id];
    let failed: string | undefined;
    if (projectId) {
      try {
        recipients = [...new Set([event.user_id, ...(await members.activeMembers(projectId))])];
      } catch (err) {
        failed = 'membership lookup failed';
        log?.warn({ err, event_id: event.event_id }, failed);
      }
    }
    try {
      await buffer.append(event, recipients);
    } catch (err) {
      failed ??= 'replay buffer write failed';
      metrics.bufferFailures.inc();
      log?.warn({ err, event_id: event.event_id }, 'replay buffer write failed');
    }
    // Live sockets get the event either way; the retry fills the buffer and reaches the members a
    // failed lookup left out (sockets dedupe by event id).
    hub.publish(event, recipients);
    return failed ? retry(failed) : success;
  }

  const updates = defineSubscription({
    consumer,
    topic: topics.taskUpdates,
    pubsub: REALTIME_PUBSUB,
    handler: async (envelope) => deliver(envelope as unknown as BufferedEvent),
  });

  // Membership and comments come on task-events. Through pubsub-realtime every replica sees them:
  // each applies the (idempotent) membership change to the shared projection and tells its own
  // sockets; comments are pushed like task updates.
  const lifecycle = defineSubscription({
    consumer,
    topic: topics.taskEvents,
    pubsub: REALTIME_PUBSUB,
    types: [
      'member.added',
      'member.role_changed',
      'member.removed',
      'project.deleted',
      'user.deleted',
      'comment.created',
      'comment.updated',
      'comment.deleted',
    ],
    handler: async (event) => {
      const at = event.timestamp;
      let fact: MembershipFact;
      switch (event.event_type) {
        case 'comment.created':
        case 'comment.updated':
        case 'comment.deleted':
          return deliver(event as unknown as BufferedEvent);
        case 'member.added':
        case 'member.role_changed':
          fact = { kind: 'joined', projectId: event.payload.project_id, userId: event.payload.member_id, at };
          break;
        case 'member.removed':
          fact = { kind: 'left', projectId: event.payload.project_id, userId: event.payload.member_id, at };
          break;
        case 'project.deleted':
          fact = { kind: 'project_gone', projectId: event.payload.project_id, at };
          break;
        case 'user.deleted':
          fact = { kind: 'user_gone', userId: event.user_id, at };
          break;
        default:
          return success;
      }
      try {
        const told = fact.kind === 'project_gone' ? await members.activeMembers(fact.projectId) : [];
        await members.apply(fact);
        if (event.event_type === 'member.removed')
          hub.projectRemoved(event.payload.member_id, event.payload.project_id, event.payload.reason);
        if (fact.kind === 'project_gone')
          for (const userId of told) hub.projectRemoved(userId, fact.projectId, 'deleted');
        return success;
      } catch (err) {
        log?.warn({ err, event_id: event.event_id }, 'membership projection write failed');
        return retry('membership projection write failed');
      }
    },
  });

  let pruner: ReturnType<typeof setInterval> | undefined;
  return {
    appId: REALTIME_APP_ID,
    routes: socketRoutes({ authenticate, hub }),
    subscriptions: [updates, lifecycle],
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
    members,
  };
}
