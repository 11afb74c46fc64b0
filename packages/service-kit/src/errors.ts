/**
 * The one error vocabulary of tasktide. Every HTTP error leaves a service as RFC 9457
 * `application/problem+json`; background code uses the same codes to decide retry vs drop.
 */
export const errorStatus = {
  validation_failed: 400,
  malformed_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_request: 'The request body could not be parsed',
  unauthenticated: 'Authentication is required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict with the current state',
  precondition_failed: 'The resource changed since you read it',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported content type',
  idempotency_key_reused: 'The Idempotency-Key was used with a different request',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface FieldError {
  /** JSON pointer of the offending field, e.g. `/title`. */
  field: string;
  message: string;
}

/** An error a handler throws on purpose; the error handler renders it as problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? titles[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
  request_id?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Builds the RFC 9457 body for a code. `type` is a stable URN per code (documented in docs/errors.md). */
export function problem(
  code: ErrorCode,
  detail?: string,
  extra: { instance?: string; requestId?: string; errors?: FieldError[] } = {},
): Problem {
  return {
    type: `urn:tasktide:problem:${code}`,
    title: titles[code],
    status: errorStatus[code],
    detail: detail ?? titles[code],
    ...(extra.instance ? { instance: extra.instance } : {}),
    code,
    ...(extra.requestId ? { request_id: extra.requestId } : {}),
    ...(extra.errors?.length ? { errors: extra.errors } : {}),
  };
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
