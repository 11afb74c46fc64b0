import { t } from 'elysia';

/**
 * Query of `GET /ws`. Browsers cannot set headers on a WebSocket, so the token may come as
 * `access_token` (the Authorization header wins when both are sent).
 */
export const SocketQuery = t.Object({
  access_token: t.Optional(t.String({ minLength: 1, maxLength: 4096 })),
  /** The last event id the client saw: events after it are replayed before live ones. */
  last_event_id: t.Optional(t.String({ format: 'uuid' })),
});

/** Sent once the socket is live: after the replay (if any) and any resync notice. */
export const ReadyMessage = t.Object({
  type: t.Literal('ready'),
  user_id: t.String({ format: 'uuid' }),
  /** Events replayed because of last_event_id (0 without it or after a resync). */
  replayed: t.Integer({ minimum: 0 }),
});

/** The gap since last_event_id cannot be filled: reload state over the api, then keep listening. */
export const ResyncMessage = t.Object({
  type: t.Literal('resync'),
  reason: t.Union([
    t.Literal('unknown_event_id'),
    t.Literal('expired'),
    t.Literal('too_many_missed'),
    t.Literal('unavailable'),
  ]),
});

/** The answer to a client's `{"type":"ping"}` (browsers cannot send protocol-level pings). */
export const PongMessage = t.Object({ type: t.Literal('pong') });

/**
 * The user is no longer a member of the project (left, removed, or the project was deleted): no
 * more of its updates come on this socket; the client drops the project from its state.
 */
export const ProjectRemovedMessage = t.Object({
  type: t.Literal('project_removed'),
  project_id: t.String({ format: 'uuid' }),
  reason: t.Union([t.Literal('left'), t.Literal('removed'), t.Literal('deleted')]),
});

export type ReadyMessage = typeof ReadyMessage.static;
export type ProjectRemovedMessage = typeof ProjectRemovedMessage.static;
export type ResyncMessage = typeof ResyncMessage.static;
export type ControlMessage = ReadyMessage | ResyncMessage | ProjectRemovedMessage | typeof PongMessage.static;

/** Close codes the server uses; a client reconnects with last_event_id after any of them. */
export const closeCodes = {
  /** Replica shutting down (rollout, scale-in). */
  goingAway: 1001,
  /** Too many sockets for one user on this replica. */
  policyViolation: 1008,
  /** The client read too slowly: its send buffer passed the limit. */
  tryAgainLater: 1013,
  /** The access token expired: reconnect with a fresh one. */
  tokenExpired: 4401,
} as const;
