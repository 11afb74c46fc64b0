/**
 * Live updates over the realtime WebSocket (`GET /ws?access_token=…&last_event_id=…`): each message is
 * task or comment event envelope (of the user's own and their shared projects), or a control
 * message (`ready`, `resync`, `project_removed`, `pong`). Reconnects with
 * backoff and resumes from the last event seen; when the server cannot fill the gap it says
 * `resync` and the app reloads what it shows.
 */

export interface LiveEvent {
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface LiveOptions {
  token: string;
  onEvent(event: LiveEvent): void;
  onStatus(status: LiveStatus): void;
  /** State may have changed while no socket was open: reload it. */
  onResync(): void;
  /** The user is no longer a member of a project (left, removed, or it was deleted). */
  onProjectRemoved?(projectId: string): void;
}

const PING_EVERY_MS = 25_000;
const MAX_BACKOFF_MS = 30_000;

/** Opens the socket and keeps it open; returns the function that closes it for good. */
export function connectLive({ token, onEvent, onStatus, onResync, onProjectRemoved }: LiveOptions): () => void {
  let socket: WebSocket | undefined;
  let lastEventId: string | undefined;
  let attempt = 0;
  let opened = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const ping = setInterval(() => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'ping' }));
  }, PING_EVERY_MS);

  function open() {
    const url = new URL('/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', token);
    if (lastEventId) url.searchParams.set('last_event_id', lastEventId);
    onStatus('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onmessage = (message) => {
      let data: { type?: string; event_id?: string; project_id?: string } & Partial<LiveEvent>;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (data.type === 'ready') {
        attempt = 0;
        onStatus('live');
        // Events may have been missed before this socket (first connect: since the page loaded).
        if (opened++ > 0 || !lastEventId) onResync();
      } else if (data.type === 'resync') {
        onResync();
      } else if (data.type === 'project_removed' && data.project_id) {
        onProjectRemoved?.(data.project_id);
      } else if (data.event_id && data.event_type) {
        lastEventId = data.event_id;
        onEvent(data as LiveEvent);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      onStatus('offline');
      if (stopped) return;
      retry = setTimeout(open, Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt++));
    };
  }

  open();
  return () => {
    stopped = true;
    clearInterval(ping);
    clearTimeout(retry);
    socket?.close(1000);
  };
}
