import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why a socket ended; a closed set so the label stays bounded. */
export type CloseReason = 'client' | 'token_expired' | 'slow_consumer' | 'too_many_sockets' | 'shutdown';
/** What a resume request turned into. */
export type ResumeOutcome = 'replayed' | 'unknown_event_id' | 'expired' | 'too_many_missed' | 'unavailable';

/** realtime's own series, next to the HTTP and process metrics of service-kit. */
export function createRealtimeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    connections: new Gauge({
      name: 'tasktide_ws_connections',
      help: 'Open WebSocket connections on this replica',
      registers,
    }),
    pushLatency: new Histogram({
      name: 'tasktide_ws_push_latency_seconds',
      help: 'Event timestamp (producer clock) to live send on a socket, by event type',
      labelNames: ['event_type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    sent: new Counter({
      name: 'tasktide_ws_messages_sent_total',
      help: 'Messages sent to sockets: live events, replayed events, control messages',
      labelNames: ['kind'] as const,
      registers,
    }),
    closed: new Counter({
      name: 'tasktide_ws_closed_total',
      help: 'Sockets closed, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    resumes: new Counter({
      name: 'tasktide_ws_resumes_total',
      help: 'Reconnects with last_event_id, by outcome (replayed or a resync reason)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    bufferFailures: new Counter({
      name: 'tasktide_realtime_buffer_failures_total',
      help: 'Events that could not be written to the replay buffer (the delivery is retried)',
      registers,
    }),
  };
}

export type RealtimeMetrics = ReturnType<typeof createRealtimeMetrics>;
