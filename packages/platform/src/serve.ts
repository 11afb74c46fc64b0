import type { Static, TObject, TProperties } from '@sinclair/typebox';
import {
  ConfigError,
  createService,
  type Logger,
  loadConfigOrExit,
  serveMetrics,
  systemClock,
} from '@tasktide/service-kit';
import type { AnyElysia } from 'elysia';
import { bootstrapService, type ServiceRuntime } from './bootstrap.ts';
import { CredentialError } from './credentials.ts';
import { mountModule } from './module.ts';
import {
  metricsPortOf,
  missingSecrets,
  type ProcessConfig,
  type ServiceDefinition,
  serviceConfigSchema,
} from './service.ts';

/**
 * A service as its own process (its main.ts is one line): config parsed once, credentials from env
 * or the Dapr secret store, database and migrations, the platform adapter, the module from the
 * service's own factory, then serve and drain on SIGTERM/SIGINT.
 */
export async function runService<P extends TProperties>(
  definition: ServiceDefinition<P>,
  env: Record<string, string | undefined> = process.env,
) {
  // Generic TypeBox composites defeat the type checker; the schema is what it says.
  const config = loadConfigOrExit(serviceConfigSchema(definition) as unknown as TObject, env) as ProcessConfig &
    Static<TObject<P>>;
  const needs = definition.secrets ?? {};
  let rt: ServiceRuntime;
  try {
    rt = await bootstrapService({
      appId: definition.appId,
      config,
      env,
      migrations: definition.migrations,
      database: definition.database,
      secrets: needs,
    });
  } catch (err) {
    if (!(err instanceof CredentialError)) throw err;
    process.exit(78); // EX_CONFIG; bootstrapService logged which credential and why
  }
  const missing = missingSecrets(needs, rt.secrets);
  if (missing.length) {
    rt.logger.fatal({ missing }, `${missing.join(', ')} required (env, or the Dapr secret store under Dapr)`);
    process.exit(78); // EX_CONFIG
  }
  let module: Awaited<ReturnType<typeof definition.create>>;
  try {
    module = await definition.create({
      appId: definition.appId,
      config,
      secrets: rt.secrets,
      db: rt.db,
      platform: rt.platform,
      logger: rt.logger,
      metrics: rt.metrics,
      clock: systemClock,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    rt.logger.fatal(err.message);
    process.exit(78); // EX_CONFIG
  }
  const mounted = mountModule(module, rt.platform, rt.logger);
  return serveModule(definition.appId, rt, mounted, {
    port: config.PORT,
    metricsPort: metricsPortOf(config),
    reusePort: config.REUSE_PORT,
    stopModuleFirst: definition.stopModuleFirst,
    rootPlugins: definition.rootPlugins?.() ?? [],
  });
}

/**
 * The process shape every service shares: plumbing (health, metrics, errors) + the mounted module,
 * listen, start the module's loops, and drain on SIGTERM/SIGINT.
 * `stopModuleFirst` closes the module (e.g. WebSockets) before the HTTP server.
 */
export function serveModule(
  name: string,
  rt: ServiceRuntime,
  module: ReturnType<typeof mountModule>,
  opts: {
    port: number;
    metricsPort?: number;
    reusePort?: boolean;
    stopModuleFirst?: boolean;
    rootPlugins?: AnyElysia[];
  },
) {
  const db = rt.db;
  let app = createService({
    name,
    logger: rt.logger,
    metrics: rt.metrics,
    metricsRoute: opts.metricsPort === undefined,
    readiness: { ...(db ? { database: () => db.ping() } : {}), sidecar: () => rt.platform.ready() },
  });
  for (const plugin of opts.rootPlugins ?? []) app = app.use(plugin) as typeof app;
  const server = app.use(module.app).listen({ port: opts.port, reusePort: opts.reusePort ?? false });
  const metricsServer = opts.metricsPort === undefined ? undefined : serveMetrics(rt.metrics, opts.metricsPort);
  module.start();
  rt.logger.info({ port: opts.port, metrics_port: opts.metricsPort }, `${name} listening`);
  const stopServer = async () => {
    await stopListening(server);
    // Last to go, so the final scrape during a drain still answers.
    if (metricsServer) await stopListening(metricsServer);
  };
  exitOnSignal(rt.logger, async () => {
    if (opts.stopModuleFirst) {
      await module.stop();
      await stopServer();
    } else {
      await stopServer();
      await module.stop();
    }
    await rt.close();
  });
  return server;
}

/**
 * Stops accepting, lets requests in flight finish for up to `graceMs`, then closes what is left
 * (idle keep-alive connections would otherwise hold stop() open: after a 200-connection load the
 * dev server did not exit for minutes). Also bounded because Bun 1.3.14's stop() never resolves
 * after a server-side WebSocket close (oven-sh/bun#36223).
 */
export async function stopListening(server: { stop(force?: boolean): unknown }, graceMs = 2_000) {
  await Promise.race([server.stop(), Bun.sleep(graceMs)]);
  await Promise.race([server.stop(true), Bun.sleep(graceMs)]);
}

/**
 * On SIGTERM/SIGINT: drain, then exit 0 — or exit 1 when draining takes longer than `deadlineMs`
 * (a stuck consumer must not keep a pod Terminating until Kubernetes kills it).
 */
export function exitOnSignal(log: Pick<Logger, 'info' | 'error'>, drain: () => Promise<void>, deadlineMs = 15_000) {
  let draining = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      if (draining) return;
      draining = true;
      log.info({ signal }, 'draining');
      setTimeout(() => {
        log.error({ deadline_ms: deadlineMs }, 'drain took too long; exiting');
        process.exit(1);
      }, deadlineMs).unref();
      await drain();
      process.exit(0);
    });
  }
}
