import { join } from 'node:path';
import { apiRoutes, buildApiDeps, openapiDocs } from '@tasktide/api/app';
import { type ApiConfig, loadApiConfig } from '@tasktide/api/config';
import { apiMigrations } from '@tasktide/api/migrations';
import { outbox, relayLease } from '@tasktide/api/schema';
import { resolveJwtSecret, resolveSecret } from '@tasktide/api/secrets';
import { auditMigrations, createAuditModule } from '@tasktide/audit/module';
import { createDb, type DbHandle } from '@tasktide/db';
import { notifierMigrations } from '@tasktide/notifier/migrations';
import { createNotifierModule } from '@tasktide/notifier/module';
import { createOutboxRelay } from '@tasktide/outbox';
import {
  createBusMetrics,
  createEmbeddedRuntime,
  type EmbeddedBusOptions,
  mountModule,
  type Platform,
  type ServiceModule,
} from '@tasktide/platform';
import { createRealtimeModule, realtimeMigrations } from '@tasktide/realtime/module';
import { createRecurrenceModule } from '@tasktide/recurrence-service/module';
import {
  type Clock,
  createLogger,
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  remoteAuthenticator,
  startTracing,
  systemClock,
} from '@tasktide/service-kit';

/** What every reacting service's module factory receives in the all-in-one process. */
export interface ModuleDeps {
  db: DbHandle;
  platform: Platform;
  logger: Logger;
  metrics: Metrics;
  jwtSecret: string;
  env: Record<string, string | undefined>;
  clock: Clock;
}

/**
 * The reacting services mounted next to the api. Each entry builds one app's ServiceModule on its
 * own platform handle (same ports as under Dapr). Add a service here when it lands.
 */
export const moduleFactories: Record<string, (deps: ModuleDeps) => ServiceModule | Promise<ServiceModule>> = {
  recurrence: ({ platform, metrics, logger }) =>
    createRecurrenceModule({ invoker: platform.invoker, registry: metrics.registry, log: logger }),
  realtime: async ({ db, platform, metrics, logger, jwtSecret }) => {
    await db.migrate(realtimeMigrations);
    return createRealtimeModule({
      db: db.db,
      authenticate: remoteAuthenticator({ jwtSecret, invoker: platform.invoker }),
      registry: metrics.registry,
      log: logger,
    });
  },
  audit: async ({ db, platform, metrics, logger, jwtSecret, env }) => {
    await db.migrate(auditMigrations);
    return createAuditModule({
      db: db.db,
      platform,
      registry: metrics.registry,
      jwtSecret,
      operatorToken: env.OPERATOR_TOKEN || undefined,
      log: logger,
    });
  },
  notifier: async ({ db, platform, metrics, logger, jwtSecret, env, clock }) => {
    await db.migrate(notifierMigrations);
    const nodeEnv = env.NODE_ENV ?? 'development';
    return createNotifierModule({
      db,
      platform,
      registry: metrics.registry,
      log: logger,
      jwtSecret,
      webhookSigningKey: resolveSecret({
        name: 'WEBHOOK_SIGNING_KEY',
        configured: env.WEBHOOK_SIGNING_KEY,
        nodeEnv,
        dataDir: env.TASKTIDE_DATA_DIR ?? '.data',
      }),
      allowPrivateWebhooks: nodeEnv !== 'production',
      sweepEveryMs: env.REMINDER_SWEEP_EVERY_MS ? Number(env.REMINDER_SWEEP_EVERY_MS) : undefined,
      sweepGraceMs: env.REMINDER_SWEEP_GRACE_MS ? Number(env.REMINDER_SWEEP_GRACE_MS) : undefined,
      webhookBackoffMs: env.WEBHOOK_BACKOFF_MS ? Number(env.WEBHOOK_BACKOFF_MS) : undefined,
      clock,
    });
  },
};

/**
 * The whole system in one process on embedded adapters — what `bun dev` serves and what the
 * embedded end-to-end tests drive through `app.handle`.
 */
export async function createSystem(
  opts: {
    env?: Record<string, string | undefined>;
    db?: DbHandle;
    bus?: Omit<EmbeddedBusOptions, 'db' | 'log' | 'metrics'>;
    jobsPollMs?: number;
    config?: Partial<ApiConfig>;
    /** The system's time (default: real time); the model check passes a test clock. */
    clock?: Clock;
  } = {},
) {
  const clock = opts.clock ?? systemClock;
  const env = opts.env ?? process.env;
  const config = { ...loadApiConfig(env), ...opts.config };
  const logger = createLogger({ service: 'tasktide-dev', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
  const metrics = createMetrics('dev');
  // Traces from `bun dev` too when a collector is given (e.g. a local Jaeger or otelcol on :4318).
  const tracing = env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? await startTracing({
        service: env.OTEL_SERVICE_NAME ?? 'tasktide-dev',
        version: config.SERVICE_VERSION,
        endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      })
    : undefined;
  const db =
    opts.db ?? (await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite') }));
  await db.migrate(apiMigrations);
  const runtime = await createEmbeddedRuntime({
    db,
    log: logger,
    metrics: createBusMetrics(metrics.registry),
    bus: opts.bus,
    jobsPollMs: opts.jobsPollMs,
    env,
    clock,
  });
  const jwtSecret = resolveJwtSecret({
    configured: config.JWT_SECRET,
    nodeEnv: config.NODE_ENV,
    dataDir: config.TASKTIDE_DATA_DIR,
  });

  const relay = createOutboxRelay({
    db: db.db,
    tables: { outbox, relayLease },
    name: 'api',
    pubsub: runtime.platform('api').pubsub,
    log: logger,
    registry: metrics.registry,
  });
  const deps = buildApiDeps({
    db,
    config: { ...config, JWT_SECRET: jwtSecret },
    logger,
    metrics,
    onOutboxWrite: relay.notify,
    clock,
  });
  const api = apiRoutes(deps);
  runtime.registerApp('api', (request) => api.handle(request));

  type Mounted = ReturnType<typeof mountModule> & { platform: Platform };
  const services = new Map<string, Mounted>();
  async function mount(appId: string, moduleMetrics: Metrics): Promise<Mounted> {
    const factory = moduleFactories[appId] as (typeof moduleFactories)[string];
    const platform = runtime.platform(appId);
    const module = await factory({ db, platform, logger, metrics: moduleMetrics, jwtSecret, env, clock });
    const m = { ...mountModule(module, platform, logger), platform };
    runtime.registerApp(appId, (request) => m.app.handle(request));
    services.set(appId, m);
    return m;
  }
  for (const appId of Object.keys(moduleFactories)) await mount(appId, metrics);

  let app = createService({ name: 'dev', logger, metrics, readiness: { database: () => db.ping() } })
    .use(openapiDocs())
    .use(api);
  for (const m of services.values()) app = app.use(m.app) as typeof app;

  return {
    app,
    db,
    runtime,
    logger,
    jwtSecret,
    authenticate: (platform: Platform) => remoteAuthenticator({ jwtSecret, invoker: platform.invoker }),
    clock,
    /** Work still owed anywhere in the system: outbox rows, unconsumed messages, due jobs. */
    async pending(): Promise<number> {
      let n = (await relay.pending()) + (await runtime.pending());
      for (const m of services.values()) n += await m.pending();
      return n;
    },
    /**
     * Stops a reacting service gracefully and starts a fresh instance of it, as a deploy would: its
     * consumers, job callbacks and loops stop, unacknowledged work is redelivered to the new one.
     * (A test facility: the public routes stay those of the first instance — they hold nothing but
     * the database — and the new instance's metrics go to a registry of its own.)
     */
    async restart(appId: string) {
      const old = services.get(appId);
      if (!old) throw new Error(`no reacting service ${appId}`);
      await old.stop();
      await old.platform.close();
      (await mount(appId, createMetrics(appId))).start();
    },
    /**
     * Resolves once the system has nothing left to do: every outbox drained, every consumer caught
     * up, no job due — seen twice in a row, so work that one step's effect starts is waited for too.
     * The readiness signal for tests, instead of sleeping.
     */
    async settle({ timeoutMs = 30_000, pollMs = 20 }: { timeoutMs?: number; pollMs?: number } = {}) {
      const until = Date.now() + timeoutMs;
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > until)
          throw new Error(`system did not settle within ${timeoutMs} ms (${await this.pending()} pending)`);
        quiet = (await this.pending()) === 0 ? quiet + 1 : 0;
        if (quiet < 2) await Bun.sleep(pollMs);
      }
    },
    start() {
      relay.start();
      for (const m of services.values()) m.start();
    },
    async stop() {
      await relay.stop();
      for (const m of services.values()) await m.stop();
      await runtime.close();
      if (!opts.db) await db.close();
      await tracing?.shutdown();
    },
  };
}

export type System = Awaited<ReturnType<typeof createSystem>>;
