import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino) carrying service, version and pod on every line; request-scoped children add
 * request_id, trace_id and correlation_id. Secrets are redacted by path.
 */
export function createLogger(opts: {
  service: string;
  version?: string;
  level?: string;
  pod?: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      // In Kubernetes the hostname is the pod name, so `pod` is there even when POD_NAME is not passed.
      base: {
        service: opts.service,
        version: opts.version ?? '0.0.0-dev',
        pod: opts.pod || process.env.POD_NAME || hostname(),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'secret', '*.secret'],
        censor: '[redacted]',
      },
    },
    opts.destination,
  );
}
