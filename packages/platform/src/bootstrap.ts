import { join } from 'node:path';
import { createDb, type DbHandle, type MigrateOptions, registerDbPoolMetrics } from '@tasktide/db';
import {
  createLogger,
  createMetrics,
  type Logger,
  type Metrics,
  resolveSecret,
  startTracing,
} from '@tasktide/service-kit';
import { createDaprPlatform } from './dapr/platform.ts';
import { createEmbeddedRuntime, type EmbeddedRuntime } from './embedded/runtime.ts';
import { createBusMetrics } from './metrics.ts';
import type { Platform } from './ports.ts';
import type { ProcessConfig } from './service.ts';

export interface ServiceRuntime {
  logger: Logger;
  metrics: Metrics;
  /** Absent for a stateless service under Dapr (`database: 'none'`). */
  db?: DbHandle;
  platform: Platform;
  /** Credentials: from the Dapr secret store under Dapr, else from env. */
  secrets: Record<string, string | undefined>;
  embedded?: EmbeddedRuntime;
  close(): Promise<void>;
}

/**
 * Start-up every service shares: config, logger, metrics, secrets, database (+ migrations) and the
 * platform adapter. Under Dapr the credentials (DATABASE_URL included) come from the secret store
 * before the database is opened; without Dapr they come from env.
 */
export async function bootstrapService(opts: {
  appId: string;
  /** The process config, parsed once by the caller (runService). */
  config: ProcessConfig;
  migrations: MigrateOptions[];
  secretNames?: string[];
  env?: Record<string, string | undefined>;
  /** `none`: the service keeps no tables (under Dapr it opens no database at all). */
  database?: 'required' | 'none';
  /** Secrets generated into the data dir when missing outside production (see resolveSecret). */
  devSecrets?: string[];
}): Promise<ServiceRuntime> {
  const env = opts.env ?? process.env;
  const config = opts.config;
  const logger = createLogger({
    service: opts.appId,
    version: config.SERVICE_VERSION,
    level: config.LOG_LEVEL,
    pod: config.POD_NAME,
  });
  const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? await startTracing({
        service: config.OTEL_SERVICE_NAME ?? opts.appId,
        version: config.SERVICE_VERSION,
        pod: config.POD_NAME || undefined,
        endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      })
    : undefined;
  const metrics = createMetrics(opts.appId);
  const busMetrics = createBusMetrics(metrics.registry);
  const names = ['DATABASE_URL', ...(opts.secretNames ?? [])];
  const secrets: Record<string, string | undefined> = {};

  let platform: Platform | undefined;
  if (config.TASKTIDE_BUS === 'dapr') {
    platform = createDaprPlatform({
      appId: opts.appId,
      httpPort: config.DAPR_HTTP_PORT,
      apiToken: config.DAPR_API_TOKEN,
      log: logger,
      metrics: busMetrics,
    });
    for (const name of names) secrets[name] = env[name] || (await platform.secrets.get(name).catch(() => undefined));
  } else {
    for (const name of names) secrets[name] = env[name];
  }

  for (const name of opts.devSecrets ?? []) {
    if (!secrets[name] && config.NODE_ENV !== 'production') {
      secrets[name] = resolveSecret({ name, nodeEnv: config.NODE_ENV, dataDir: config.TASKTIDE_DATA_DIR });
    }
  }

  // The embedded runtime keeps its log in the database, so only a stateless service under Dapr skips it.
  const needsDb = opts.database !== 'none' || !platform;
  const db = needsDb
    ? await createDb({ url: secrets.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite') })
    : undefined;
  for (const m of opts.migrations) await db?.migrate(m);
  if (db) registerDbPoolMetrics(metrics.registry, db);
  let embedded: EmbeddedRuntime | undefined;
  if (!platform && db) {
    embedded = await createEmbeddedRuntime({ db, log: logger, metrics: busMetrics, env });
    platform = embedded.platform(opts.appId);
  }
  logger.info({ bus: config.TASKTIDE_BUS, database: db?.kind ?? 'none' }, 'service bootstrapped');
  const ready = platform as Platform;
  return {
    logger,
    metrics,
    db,
    platform: ready,
    secrets,
    embedded,
    async close() {
      await embedded?.close();
      await ready.close();
      await db?.close();
      await tracing?.shutdown();
    },
  };
}
