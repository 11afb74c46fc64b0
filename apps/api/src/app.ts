import type { openapi as openapiPluginOf } from '@elysiajs/openapi';
import type { DbHandle } from '@tasktide/db';
import { registerDbPoolMetrics } from '@tasktide/db';
import type { StateStore } from '@tasktide/platform';
import {
  type Clock,
  createAuthenticator,
  createService,
  type Logger,
  type Metrics,
  restoreCompiledFormats,
  systemClock,
  withProblemResponses,
} from '@tasktide/service-kit';
import { webRoutes } from '@tasktide/web/routes';
import { Elysia } from 'elysia';
import { accountRoutes } from './accounts/index.ts';
import { createAccountLimits } from './accounts/limits.ts';
import { createSessionCheck } from './accounts/sessions.ts';
import { calendarRoutes } from './calendar/index.ts';
import { commentRoutes } from './comments/index.ts';
import type { ApiConfig } from './config.ts';
import type { ApiDeps } from './context.ts';
import { internalRoutes } from './internal/index.ts';
import { projectRoutes } from './projects/index.ts';
import { recurrencePreviewRoutes } from './recurrence-preview/index.ts';
import { taskRoutes } from './tasks/index.ts';
import { createTaskMetrics } from './tasks/metrics.ts';
import { taskParseRoutes } from './tasks/parse/index.ts';
import { tokenRoutes } from './tokens/index.ts';
import { resolveApiToken } from './tokens/service.ts';

// Compiled uuid and email checks from the start; the OpenAPI plugin's import (on the first /docs
// request, see openapiDocs) swaps them for slow ones and they are put back then (see there).
restoreCompiledFormats();

export const API_PREFIX = '/api/v1';
export const OPENAPI_JSON_PATH = '/docs/json';

export interface CreateApiOptions {
  db: DbHandle;
  config: ApiConfig & { JWT_SECRET: string };
  logger: Logger;
  metrics: Metrics;
  onOutboxWrite?: () => void;
  clock?: Clock;
  /** Where the abuse counters live (the platform's state store: shared by every replica). */
  state: StateStore;
  /** Extra readiness checks (e.g. the Dapr sidecar). */
  readiness?: Record<string, () => Promise<unknown>>;
}

/** The api's routes only (no service plumbing): mounted by main.ts and by the all-in-one dev server. */
export function apiRoutes(deps: ApiDeps) {
  return new Elysia()
    .use(
      new Elysia({ prefix: API_PREFIX })
        .use(accountRoutes(deps))
        .use(tokenRoutes(deps))
        .use(taskParseRoutes(deps))
        .use(taskRoutes(deps))
        .use(projectRoutes(deps))
        .use(commentRoutes(deps))
        .use(recurrencePreviewRoutes(deps))
        .use(calendarRoutes(deps)),
    )
    .use(internalRoutes(deps));
}

export function buildApiDeps(opts: CreateApiOptions): ApiDeps {
  const db = opts.db.db;
  registerDbPoolMetrics(opts.metrics.registry, opts.db);
  const sessions = createSessionCheck(db);
  return {
    db,
    config: opts.config,
    jwtKey: new TextEncoder().encode(opts.config.JWT_SECRET),
    limits: createAccountLimits(opts.state, {
      loginPerAccountAddress: opts.config.LOGIN_MAX_ATTEMPTS,
      loginPerAddress: opts.config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      windowSeconds: opts.config.LOGIN_WINDOW_SECONDS,
      registrationsPerHour: opts.config.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
    }),
    authenticate: createAuthenticator({
      jwtSecret: opts.config.JWT_SECRET,
      resolveApiToken: (token) => resolveApiToken(db, token),
      confirmSession: (principal) => sessions.confirm(principal),
      clock: opts.clock,
    }),
    sessions,
    onOutboxWrite: opts.onOutboxWrite,
    taskMetrics: createTaskMetrics(opts.metrics.registry),
    clock: opts.clock ?? systemClock,
  };
}

/** Elysia's lookups of the routes and models of a whole app (protected in its types). */
interface GlobalLookups {
  getGlobalRoutes(): unknown;
  getGlobalDefinitions(): unknown;
}

/**
 * The OpenAPI document at /docs/json, with every operation's error responses (see
 * withProblemResponses), and its reference page at /docs. @elysiajs/openapi is imported on the
 * first request to either: with the TypeBox-to-Zod mapping it bundles, loading it at start cost
 * an idle api ~2 MiB, and most replicas never serve the docs. It answers from an instance of its
 * own that sees this service's routes and models as `.use()` would have let it.
 */
export const openapiDocs = () => {
  const docs = new Elysia({ name: 'openapi-docs' });
  let loading: Promise<ReturnType<typeof openapiPluginOf>> | undefined;
  const plugin = () => {
    loading ??= import('@elysiajs/openapi').then(({ openapi }) => {
      restoreCompiledFormats();
      const instance = openapiPlugin(openapi);
      // What `.use()` does to a plugin (Elysia's _use): it looks routes and models up in its parent.
      const parent = docs as unknown as GlobalLookups;
      Object.assign(instance, {
        getGlobalRoutes: () => parent.getGlobalRoutes(),
        getGlobalDefinitions: () => parent.getGlobalDefinitions(),
      } satisfies GlobalLookups);
      return instance;
    });
    return loading;
  };
  const ask = async (path: string) => {
    const response = await (await plugin()).handle(new Request(`http://openapi${path}`));
    if (!response.ok) throw new Error(`@elysiajs/openapi answered ${path} with ${response.status}`);
    return response;
  };
  return docs
    .onAfterHandle(({ path, response }) => {
      if (path === OPENAPI_JSON_PATH && response && typeof response === 'object') {
        return withProblemResponses(response as Parameters<typeof withProblemResponses>[0]);
      }
    })
    .get('/docs', () => ask('/docs'), { detail: { hide: true } })
    .get(OPENAPI_JSON_PATH, async () => (await ask(OPENAPI_JSON_PATH)).json(), { detail: { hide: true } });
};

const openapiPlugin = (openapi: typeof openapiPluginOf) =>
  openapi({
    path: '/docs',
    specPath: OPENAPI_JSON_PATH,
    documentation: {
      info: {
        title: 'tasktide API',
        version: '1.0.0',
        description:
          'Tasks with priorities, tags, due dates, reminders and recurrence. Errors are RFC 9457 application/problem+json. ' +
          'POST requests accept an Idempotency-Key header.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'JWT access token or tt_ API token' },
        },
      },
    },
  });

/** The complete api service: plumbing (health, metrics, errors) + OpenAPI + routes + the web app at `/`. */
export function createApiApp(opts: CreateApiOptions) {
  const deps = buildApiDeps(opts);
  return createService({
    name: 'api',
    logger: opts.logger,
    metrics: opts.metrics,
    readiness: { database: () => opts.db.ping(), ...opts.readiness },
  })
    .use(openapiDocs())
    .use(apiRoutes(deps))
    .use(webRoutes());
}

export type ApiApp = ReturnType<typeof createApiApp>;
