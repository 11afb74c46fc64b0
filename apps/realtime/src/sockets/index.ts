import { API_TOKEN_PREFIX, type Authenticate } from '@tasktide/service-kit';
import type { ServerWebSocket } from 'bun';
import { Elysia } from 'elysia';
import { SocketQuery } from './model.ts';
import type { SocketHub } from './service.ts';

/** When a verified JWT expires (its `exp`); API tokens are checked again on every connect instead. */
function expiryOf(token: string): Date | undefined {
  if (token.startsWith(API_TOKEN_PREFIX)) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp?: unknown };
    return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GET /ws`: authenticates the upgrade (Authorization header, else `?access_token=`) — a failure is
 * an ordinary 401 problem+json, no socket — then hands the socket to the hub, which replays from
 * `?last_event_id=` and pushes the user's task-updates.
 */
export function socketRoutes(deps: { authenticate: Authenticate; hub: SocketHub }) {
  return new Elysia()
    .resolve(async ({ headers, query }) => {
      // The header wins when both are sent: a bad header is refused, not rescued by the query.
      const credential = headers.authorization ?? (query.access_token ? `Bearer ${query.access_token}` : undefined);
      const principal = await deps.authenticate(credential);
      const token = credential?.trim().split(/\s+/)[1] ?? '';
      return { principal, expiresAt: expiryOf(token) };
    })
    .ws('/ws', {
      query: SocketQuery,
      // OpenAPI has no WebSocket operations (Elysia would emit an invalid `ws` method); the
      // protocol is documented in apps/realtime/README.md.
      detail: { hide: true },
      open(ws) {
        const { principal, expiresAt, query } = ws.data;
        // Elysia's copy of the type omits getBufferedAmount; the object is Bun's ServerWebSocket.
        const socket = ws.raw as unknown as ServerWebSocket<unknown>;
        void deps.hub.open(ws.id, socket, { userId: principal.userId, lastEventId: query.last_event_id, expiresAt });
      },
      message(ws, message) {
        deps.hub.onMessage(ws.id, message);
      },
      close(ws) {
        deps.hub.close(ws.id);
      },
    });
}
