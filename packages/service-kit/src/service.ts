import { Elysia, ValidationError } from 'elysia';
import {
  type BodyLimits,
  defaultBodyLimits,
  isJsonContentType,
  NUL_MESSAGE,
  parseJsonText,
  readAndKeepBodyText,
} from './body.ts';
import { AppError, type FieldError, problem, problemResponse } from './errors.ts';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { type ActiveSpan, startSpan } from './spans.ts';
import { formatTraceparent, requestIdFrom, type TraceContext } from './trace.ts';

export interface RequestContext {
  requestId: string;
  /**
   * Ties together everything one user action causes: the caller's `x-correlation-id` (a service
   * invoked while handling an event passes the event's), else this request's id. Events carry it.
   */
  correlationId: string;
  trace: TraceContext;
  span: ActiveSpan;
  log: Logger;
  startedAt: number;
  status?: number;
}

// Keyed by the Request so the context exists even when parsing fails before `derive` runs.
const contexts = new WeakMap<Request, RequestContext>();

export function requestContext(request: Request): RequestContext | undefined {
  return contexts.get(request);
}

function validationErrors(error: ValidationError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of error.all) {
    const field = ('path' in e && e.path) || '/';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: ('summary' in e && e.summary) || e.message });
  }
  return out;
}

export interface ServiceOptions {
  name: string;
  logger: Logger;
  metrics: Metrics;
  readiness?: Record<string, ReadinessCheck>;
  /** Request body size and JSON nesting limits (defaults: 1 MiB, 32 levels). */
  bodyLimits?: BodyLimits;
  /**
   * Serve `/metrics` on this listener (default). Off when the process has a metrics port of its
   * own (`serveMetrics`): then the public listener answers 404 for it.
   */
  metricsRoute?: boolean;
}

/**
 * The root of every tasktide HTTP service: request id + traceparent, JSON access logs, RED
 * metrics by route template, one problem+json error handler, `/healthz`, `/readyz`, `/metrics`.
 * Feature controllers are `.use()`d after it so its hooks cover them.
 */
export function createService({
  name,
  logger,
  metrics,
  readiness = {},
  bodyLimits = defaultBodyLimits,
  metricsRoute = true,
}: ServiceOptions) {
  return (
    new Elysia({ name: `service:${name}` })
      .onRequest(({ request, set }) => {
        const requestId = requestIdFrom(request.headers.get('x-request-id'));
        const correlation = request.headers.get('x-correlation-id');
        const correlationId = correlation ? requestIdFrom(correlation) : requestId;
        const span = startSpan(request.method, {
          kind: 'server',
          traceparent: request.headers.get('traceparent'),
          attributes: { 'http.request.method': request.method, 'tasktide.request_id': requestId },
        });
        const trace = span.trace;
        const log = logger.child({ request_id: requestId, correlation_id: correlationId, trace_id: trace.traceId });
        contexts.set(request, { requestId, correlationId, trace, span, log, startedAt: performance.now() });
        set.headers['x-request-id'] = requestId;
        set.headers.traceparent = formatTraceparent(trace);
      })
      // Bodies are bounded before anything looks at them: a size limit (413) and, for JSON, a nesting
      // limit checked in one linear pass before parsing and validation (400). Cost stays linear in
      // the input, whatever the input is.
      // Elysia runs this hook for routes that take the raw body (`parse: 'none'`, the sidecar's
      // deliveries) too: they read the text kept here with `rawBodyText`.
      .onParse({ as: 'global' }, async ({ request, contentType }) => {
        if (isJsonContentType(contentType)) {
          return parseJsonText(await readAndKeepBodyText(request, bodyLimits.maxBytes), bodyLimits) ?? null;
        }
        if (contentType && request.body) return readAndKeepBodyText(request, bodyLimits.maxBytes);
      })
      // The same rule for query strings (a NUL in `tag` or `q` reached the database as a 500).
      .onTransform({ as: 'global' }, ({ request }) => {
        const url = request.url;
        if (!url.includes('%00') && !url.includes('\0')) return;
        for (const [name, value] of new URL(url).searchParams) {
          if (value.includes('\0') || name.includes('\0')) {
            throw new AppError('validation_failed', `${name}: ${NUL_MESSAGE}`, {
              errors: [{ field: `/${name}`, message: NUL_MESSAGE }],
            });
          }
        }
      })
      .derive({ as: 'global' }, ({ request }) => {
        const ctx = contexts.get(request) as RequestContext;
        return { requestId: ctx.requestId, trace: ctx.trace, log: ctx.log };
      })
      .onError({ as: 'global' }, ({ code, error, request, path }) => {
        const ctx = contexts.get(request);
        const base = { instance: path, requestId: ctx?.requestId };
        const headers: Record<string, string> = ctx
          ? { 'x-request-id': ctx.requestId, traceparent: formatTraceparent(ctx.trace) }
          : {};
        let body: ReturnType<typeof problem>;
        // Elysia wraps what a parse hook throws (the body limits) in its own ParseError.
        const cause = (error as { cause?: unknown } | undefined)?.cause;
        const appError = error instanceof AppError ? error : cause instanceof AppError ? cause : undefined;
        if (appError) {
          body = problem(appError.code, appError.message, { ...base, errors: appError.errors });
          Object.assign(headers, appError.headers);
        } else if (code === 'VALIDATION' && error instanceof ValidationError) {
          const errors = validationErrors(error);
          const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
          body = problem('validation_failed', detail, { ...base, errors });
        } else if (code === 'VALIDATION') {
          // A schema check that failed inside a decode transform (e.g. an array query parameter):
          // Elysia rethrows TypeBox's inner error, which has no field name — still the caller's fault.
          const message = String((error as { error?: { message?: string } }).error?.message ?? 'is not valid');
          body = problem('validation_failed', `the request does not match its schema: ${message}`, {
            ...base,
            errors: [{ field: '/', message }],
          });
        } else if (code === 'PARSE') {
          body = problem('malformed_request', 'The request body is not valid for its content type', base);
        } else if (code === 'NOT_FOUND') {
          body = problem('not_found', `No route for ${request.method} ${path}`, base);
        } else if (code === 'INVALID_COOKIE_SIGNATURE') {
          body = problem('unauthenticated', undefined, base);
        } else {
          (ctx?.log ?? logger).error({ err: error, path }, 'unhandled error');
          body = problem('internal', 'An unexpected error occurred; quote the request id when reporting it', base);
        }
        if (ctx) ctx.status = body.status;
        if (body.status >= 500 && error instanceof AppError) {
          (ctx?.log ?? logger).error({ err: error, path }, error.message);
        }
        return problemResponse(body, headers);
      })
      .onAfterResponse({ as: 'global' }, ({ request, route, set }) => {
        const ctx = contexts.get(request);
        if (!ctx) return;
        const status = String(ctx.status ?? (typeof set.status === 'number' ? set.status : 200));
        const labels = { method: request.method, route: route || 'unmatched', status };
        const seconds = (performance.now() - ctx.startedAt) / 1000;
        metrics.httpRequests.inc(labels);
        metrics.httpDuration.observe(labels, seconds);
        ctx.span.end(
          { 'http.route': labels.route, 'http.response.status_code': Number(status) },
          Number(status) >= 500 ? new Error(`HTTP ${status}`) : undefined,
        );
        if (ctx.log.isLevelEnabled('debug')) {
          ctx.log.debug({ ...labels, duration_ms: Math.round(seconds * 1000) }, 'request');
        }
      })
      .use(healthRoutes(readiness))
      .get(
        '/metrics',
        async ({ set }) => {
          if (!metricsRoute) throw new AppError('not_found', 'metrics are served on the metrics port');
          set.headers['content-type'] = metrics.registry.contentType;
          return metrics.registry.metrics();
        },
        { detail: { hide: true } },
      )
  );
}
