import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export type { Logger };

const secretKeys = [
  'password',
  'current_password',
  'new_password',
  'passwordHash',
  'password_hash',
  'token',
  'access_token',
  'authorization',
  'secret',
  'signing_key',
  'webhookSigningKey',
  'jwtSecret',
];
/** Any of these keys, at the top or one level down (pino's redact paths are explicit, not recursive). */
const redactedPaths = secretKeys.flatMap((k) => [k, `*.${k}`]);

/**
 * Errors are logged by type, message, code and stack — never with the values a failed query was
 * sent (drizzle's DrizzleQueryError carries `params`: the password hash of a failed registration
 * once reached the log that way) nor the SQL text. Causes are serialized the same way.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 3) return err instanceof Error ? { type: err.name } : err;
  const out: Record<string, unknown> = {
    type: err.name,
    message: redactQueryText(err.message),
    stack: err.stack && redactQueryText(err.stack),
  };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
  return out;
}

/**
 * drizzle puts the statement and its parameters into the message ("Failed query: … params: …"),
 * and the stack starts with the message: the parameters are cut up to the first stack frame.
 */
function redactQueryText(text: string): string {
  const i = text.indexOf('params:');
  if (i === -1) return text;
  const frames = text.indexOf('\n    at ', i);
  return `${text.slice(0, i)}params: [redacted]${frames === -1 ? '' : text.slice(frames)}`;
}

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
      redact: { paths: redactedPaths, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    opts.destination,
  );
}
