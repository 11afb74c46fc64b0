import { join } from 'node:path';
import { createDb, type DbHandle } from '@tasktide/db';
import {
  createBusMetrics,
  createEmbeddedRuntime,
  type EmbeddedBusOptions,
  mountModule,
  type Platform,
  parseServiceConfig,
  processConfigSchema,
  type ServiceDefinition,
} from '@tasktide/platform';
import {
  type Clock,
  ConfigError,
  createLogger,
  createMetrics,
  createService,
  type Metrics,
  parseConfig,
  resolveSecret,
  startTracing,
  systemClock,
} from '@tasktide/service-kit';
import { services } from './services.ts';

export { services };

/**
 * The whole system in one process on embedded adapters — what `bun dev` serves and what the
 * embedded end-to-end tests drive through `app.handle`. Each service's config is parsed from the
 * same env with its own schema (a bad value stops start with a ConfigError naming it); its
 * credentials come from env, or are generated once into the data dir outside production.
 */
export async function createSystem(
  opts: {
    env?: Record<string, string | undefined>;
    db?: DbHandle;
    bus?: Omit<EmbeddedBusOptions, 'db' | 'log' | 'metrics'>;
    jobsPollMs?: number;
    /** The system's time (default: real time); the model check passes a test clock. */
    clock?: Clock;
  } = {},
) {
  const clock = opts.clock ?? systemClock;
  const env = opts.env ?? process.env;
  const base = parseConfig(processConfigSchema, env);
  const logger = createLogger({ service: 'tasktide-dev', version: base.SERVICE_VERSION, level: base.LOG_LEVEL });
  const metrics = createMetrics('dev');
  // Traces from `bun dev` too when a collector is given (e.g. a local Jaeger or otelcol on :4318).
  const tracing = base.OTEL_EXPORTER_OTLP_ENDPOINT
    ? await startTracing({
        service: base.OTEL_SERVICE_NAME ?? 'tasktide-dev',
        version: base.SERVICE_VERSION,
        endpoint: base.OTEL_EXPORTER_OTLP_ENDPOINT,
      })
    : undefined;
  const db =
    opts.db ??
    (await createDb({ url: env.DATABASE_URL || undefined, dataDir: join(base.TASKTIDE_DATA_DIR, 'pglite') }));
  const runtime = await createEmbeddedRuntime({
    db,
    log: logger,
    metrics: createBusMetrics(metrics.registry),
    bus: opts.bus,
    jobsPollMs: opts.jobsPollMs,
    env,
    clock,
  });
  const secretsOf = (definition: ServiceDefinition) => {
    const needs = definition.secrets ?? {};
    const secrets: Record<string, string | undefined> = {};
    for (const name of [...(needs.required ?? []), ...(needs.optional ?? [])]) {
      secrets[name] =
        env[name] ||
        (needs.generatedInDev?.includes(name) || needs.required?.includes(name)
          ? resolveSecret({ name, nodeEnv: base.NODE_ENV, dataDir: base.TASKTIDE_DATA_DIR })
          : undefined);
    }
    return secrets;
  };

  type Mounted = ReturnType<typeof mountModule> & { platform: Platform };
  const mounted = new Map<string, Mounted>();
  async function mount(definition: ServiceDefinition, serviceMetrics: Metrics): Promise<Mounted> {
    let config: ReturnType<typeof parseServiceConfig>;
    try {
      config = parseServiceConfig(definition, env);
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`${definition.appId}: ${err.message}`);
      throw err;
    }
    for (const m of definition.migrations) await db.migrate(m);
    const platform = runtime.platform(definition.appId);
    const module = await definition.create({
      appId: definition.appId,
      config,
      secrets: secretsOf(definition),
      db,
      platform,
      logger,
      metrics: serviceMetrics,
      clock,
    });
    const m = { ...mountModule(module, platform, logger), platform };
    runtime.registerApp(definition.appId, (request) => m.app.handle(request));
    mounted.set(definition.appId, m);
    return m;
  }
  for (const definition of services) await mount(definition, metrics);

  let app = createService({ name: 'dev', logger, metrics, readiness: { database: () => db.ping() } });
  for (const definition of services) {
    for (const plugin of definition.rootPlugins?.() ?? []) app = app.use(plugin) as typeof app;
  }
  for (const m of mounted.values()) app = app.use(m.app) as typeof app;

  return {
    app,
    db,
    runtime,
    logger,
    clock,
    /** Work still owed anywhere in the system: outbox rows, unconsumed messages, due jobs. */
    async pending(): Promise<number> {
      let n = await runtime.pending();
      for (const m of mounted.values()) n += await m.pending();
      return n;
    },
    /**
     * Stops a reacting service gracefully and starts a fresh instance of it, as a deploy would: its
     * consumers, job callbacks and loops stop, unacknowledged work is redelivered to the new one.
     * (A test facility: the public routes stay those of the first instance — they hold nothing but
     * the database — and the new instance's metrics go to a registry of its own.)
     */
    /** Runs a service's input binding (e.g. a cron sweep) now instead of waiting for its timer. */
    async runBinding(appId: string, name: string) {
      const m = mounted.get(appId);
      if (!m) throw new Error(`no service ${appId}`);
      await m.runBinding(name);
    },
    async restart(appId: string) {
      const old = mounted.get(appId);
      const definition = services.find((s) => s.appId === appId);
      if (!old || !definition) throw new Error(`no service ${appId}`);
      await old.stop();
      await old.platform.close();
      (await mount(definition, createMetrics(appId))).start();
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
      for (const m of mounted.values()) m.start();
    },
    async stop() {
      for (const m of mounted.values()) await m.stop();
      await runtime.close();
      if (!opts.db) await db.close();
      await tracing?.shutdown();
    },
  };
}

export type System = Awaited<ReturnType<typeof createSystem>>;
