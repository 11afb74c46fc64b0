import type { Logger } from '@tasktide/service-kit';
import type { BufferedEvent, Replay, ReplayBuffer } from '../buffer/service.ts';
import type { CloseReason, RealtimeMetrics } from '../metrics.ts';
import { type ControlMessage, closeCodes, type ProjectRemovedMessage } from './model.ts';

/** The part of a server WebSocket the hub needs (Bun's ServerWebSocket fits; tests pass fakes). */
export interface SocketLike {
  /** Bun: bytes sent, -1 when queued under backpressure, 0 when dropped. */
  send(text: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
}

export interface OpenOptions {
  userId: string;
  /** Replay what came after this event before going live. */
  lastEventId?: string;
  /** When the credential expires: the socket is closed then (4401). */
  expiresAt?: Date;
}

interface Pending {
  event: BufferedEvent;
  text: string;
}

interface Connection {
  id: string;
  userId: string;
  socket: SocketLike;
  /** Live events that arrived while the replay was read; sent right after it. Null once live. */
  pending: Pending[] | null;
  /** Ids sent recently, so a replayed, redelivered or second-replica copy is not sent twice. */
  recent: RecentIds;
  expiry?: ReturnType<typeof setTimeout>;
  /** Set when the server ends the socket, so the close callback does not count it as the client's. */
  closing?: CloseReason;
}

/** A bounded set of the last `size` ids. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly size: number) {}
  has(id: string) {
    return this.ids.has(id);
  }
  add(id: string) {
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value as string);
  }
}

// setTimeout takes at most 2^31-1 ms (~24.8 days); longer-lived credentials are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SocketHubOptions {
  buffer: Pick<ReplayBuffer, 'since'>;
  metrics: RealtimeMetrics;
  log?: Logger;
  /** Bytes queued on one socket before it is closed as a slow consumer (it then resumes). */
  maxBufferedBytes?: number;
  maxSocketsPerUser?: number;
  recentIdsPerSocket?: number;
}

/**
 * The sockets of this replica by user: fan-out of live events, resume on connect, and the
 * socket's end (client close, token expiry, slow consumer, shutdown). Never blocks on a socket: a
 * send that would queue past `maxBufferedBytes` closes it, and the client resumes from its buffer.
 */
export function createSocketHub({
  buffer,
  metrics,
  log,
  maxBufferedBytes = 1 << 20,
  maxSocketsPerUser = 20,
  recentIdsPerSocket = 512,
}: SocketHubOptions) {
  const byUser = new Map<string, Set<Connection>>();
  const byId = new Map<string, Connection>();

  function end(conn: Connection, code: number, reason: CloseReason) {
    if (conn.closing) return;
    conn.closing = reason;
    conn.socket.close(code, reason.replaceAll('_', ' '));
    forget(conn.id);
  }

  function forget(id: string) {
    const conn = byId.get(id);
    if (!conn) return;
    byId.delete(id);
    conn.closing ??= 'client';
    const sockets = byUser.get(conn.userId);
    sockets?.delete(conn);
    if (sockets?.size === 0) byUser.delete(conn.userId);
    if (conn.expiry) clearTimeout(conn.expiry);
    metrics.connections.dec();
    metrics.closed.inc({ reason: conn.closing });
  }

  /** Sends one event unless this socket already has it; false when nothing was sent. */
  function sendEvent(conn: Connection, event: BufferedEvent, text: string, kind: 'live' | 'replay'): boolean {
    if (conn.closing || conn.recent.has(event.event_id)) return false;
    const status = conn.socket.send(text);
    if (status === 0 || conn.socket.getBufferedAmount() > maxBufferedBytes) {
      end(conn, closeCodes.tryAgainLater, 'slow_consumer');
      if (status === 0) return false;
    }
    conn.recent.add(event.event_id);
    metrics.sent.inc({ kind });
    if (kind === 'live') {
      const seconds = (Date.now() - Date.parse(event.timestamp)) / 1000;
      if (Number.isFinite(seconds)) metrics.pushLatency.observe({ event_type: event.event_type }, Math.max(0, seconds));
    }
    return true;
  }

  function sendControl(conn: Connection, message: ControlMessage) {
    if (conn.closing) return;
    conn.socket.send(JSON.stringify(message));
    metrics.sent.inc({ kind: 'control' });
  }

  function armExpiry(conn: Connection, expiresAt: Date) {
    const ms = expiresAt.getTime() - Date.now();
    conn.expiry = setTimeout(
      () => (ms > MAX_TIMER_MS ? armExpiry(conn, expiresAt) : end(conn, closeCodes.tokenExpired, 'token_expired')),
      Math.max(0, Math.min(ms, MAX_TIMER_MS)),
    );
  }

  async function replay(conn: Connection, lastEventId: string): Promise<number> {
    let result: Replay | { status: 'resync'; reason: 'unavailable' };
    try {
      result = await buffer.since(conn.userId, lastEventId);
    } catch (err) {
      log?.error({ err, user_id: conn.userId }, 'replay buffer unavailable; asking the client to resync');
      result = { status: 'resync', reason: 'unavailable' };
    }
    if (result.status === 'resync') {
      metrics.resumes.inc({ outcome: result.reason });
      sendControl(conn, { type: 'resync', reason: result.reason });
      return 0;
    }
    metrics.resumes.inc({ outcome: 'replayed' });
    let sent = 0;
    for (const event of result.events) if (sendEvent(conn, event, JSON.stringify(event), 'replay')) sent++;
    return sent;
  }

  return {
    /**
     * Registers a socket for its user, replays what it missed after `lastEventId` (or tells it to
     * resync), sends the events that arrived meanwhile, then `{"type":"ready"}`.
     */
    async open(id: string, socket: SocketLike, { userId, lastEventId, expiresAt }: OpenOptions): Promise<void> {
      const sockets = byUser.get(userId) ?? new Set<Connection>();
      if (sockets.size >= maxSocketsPerUser) {
        socket.close(closeCodes.policyViolation, 'too many sockets');
        metrics.closed.inc({ reason: 'too_many_sockets' });
        return;
      }
      const conn: Connection = {
        id,
        userId,
        socket,
        pending: lastEventId ? [] : null,
        recent: new RecentIds(recentIdsPerSocket),
      };
      sockets.add(conn);
      byUser.set(userId, sockets);
      byId.set(id, conn);
      metrics.connections.inc();
      if (expiresAt) armExpiry(conn, expiresAt);
      let replayed = 0;
      if (lastEventId) {
        replayed = await replay(conn, lastEventId);
        const pending = conn.pending ?? [];
        conn.pending = null;
        for (const p of pending) sendEvent(conn, p.event, p.text, 'live');
      }
      sendControl(conn, { type: 'ready', user_id: userId, replayed });
    },

    /** Forgets a socket the client (or the server) closed. Idempotent. */
    close(id: string) {
      forget(id);
    },

    /**
     * Pushes one event to every socket of its recipients on this replica (default: its user; for a
     * shared project, every active member); returns how many sockets got it.
     */
    publish(event: BufferedEvent, recipients: Iterable<string> = [event.user_id]): number {
      let text: string | undefined;
      let delivered = 0;
      for (const userId of new Set(recipients)) {
        const sockets = byUser.get(userId);
        if (!sockets?.size) continue;
        text ??= JSON.stringify(event);
        for (const conn of sockets) {
          if (conn.pending) conn.pending.push({ event, text });
          else if (sendEvent(conn, event, text, 'live')) delivered++;
        }
      }
      return delivered;
    },

    /** Tells every socket of `userId` on this replica that a project is no longer theirs. */
    projectRemoved(userId: string, projectId: string, reason: ProjectRemovedMessage['reason']) {
      for (const conn of byUser.get(userId) ?? [])
        sendControl(conn, { type: 'project_removed', project_id: projectId, reason });
    },

    /** Answers a client message; only `{"type":"ping"}` means something today. */
    onMessage(id: string, message: unknown) {
      const conn = byId.get(id);
      if (conn && (message as { type?: unknown } | null)?.type === 'ping') sendControl(conn, { type: 'pong' });
    },

    /** Closes every socket (shutdown: clients reconnect to another replica and resume there). */
    closeAll(code: number = closeCodes.goingAway) {
      for (const conn of [...byId.values()]) end(conn, code, 'shutdown');
    },

    /** Open sockets, in total or for one user. */
    count(userId?: string): number {
      return userId === undefined ? byId.size : (byUser.get(userId)?.size ?? 0);
    },
  };
}

export type SocketHub = ReturnType<typeof createSocketHub>;
