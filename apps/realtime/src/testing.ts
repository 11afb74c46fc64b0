/** A WebSocket client for tests and the benchmark: collects messages, waits for conditions. */

export interface ReceivedMessage {
  at: number;
  data: Record<string, unknown>;
}

export interface RealtimeClient {
  socket: WebSocket;
  messages: ReceivedMessage[];
  /** Event envelopes received (messages with an event_id), in order. */
  events(): Record<string, unknown>[];
  /** Resolves with the first message matching `match`, including one already received. */
  waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the close code (rejects if the socket never opened and closed without one). */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * Opens `ws://…/ws` and resolves once the server says `{"type":"ready"}` — the socket is then
 * registered and any replay is done. Rejects when the upgrade is refused.
 *
 * @example
 * const client = await connectRealtime(`ws://127.0.0.1:${port}/ws?access_token=${token}`)
 * await client.waitFor((m) => m.event_type === 'task.created')
 */
export function connectRealtime(
  url: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number; onMessage?: (m: ReceivedMessage) => void } = {},
): Promise<RealtimeClient> {
  // Bun's WebSocket accepts headers (browsers do not: they use ?access_token=).
  const socket = new WebSocket(url, { headers: opts.headers } as unknown as string[]);
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  let resolveClosed: (v: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((r) => {
    resolveClosed = r;
  });
  socket.addEventListener('message', (e) => {
    const m = { at: performance.now(), data: JSON.parse(String(e.data)) as Record<string, unknown> };
    messages.push(m);
    opts.onMessage?.(m);
    for (const w of [...waiters]) w();
  });
  socket.addEventListener('close', (e) => {
    resolveClosed({ code: e.code, reason: e.reason });
    for (const w of [...waiters]) w();
  });

  function waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 15_000) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a message on ${url.split('?')[0]}`));
      }, timeoutMs);
      function check() {
        const found = messages.find((m) => match(m.data));
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found.data);
      }
      waiters.add(check);
      check();
    });
  }

  const client: RealtimeClient = {
    socket,
    messages,
    events: () => messages.map((m) => m.data).filter((d) => 'event_id' in d),
    waitFor,
    closed,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.addEventListener('error', () => reject(new Error(`WebSocket upgrade refused: ${url.split('?')[0]}`)), {
      once: true,
    });
    waitFor((m) => m.type === 'ready', opts.timeoutMs).then(() => resolve(client), reject);
  });
}

/**
 * Stops a listening server without hanging: Bun 1.3.14's `server.stop()` never resolves once a
 * WebSocket was closed from the server side (oven-sh/bun#36223), which realtime does on token
 * expiry, slow consumers and shutdown.
 */
export async function stopListening(
  server: { stop(closeActiveConnections?: boolean): Promise<void> } | null | undefined,
) {
  if (server) await Promise.race([server.stop(true), Bun.sleep(1_000)]);
}
