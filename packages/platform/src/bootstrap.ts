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
import { CredentialError, credentialNames, daprSecretReader, readStoreCredentials } from './credentials.ts';
import { createDaprPlatform } from './dapr/platform.ts';
import { createEmbeddedRuntime, type EmbeddedRuntime } from './embedded/runtime.ts';
import { createBusMetrics } from './metrics.ts';
import type { Platform } from './ports.ts';
import type { ProcessConfig, SecretNeeds } from './service.ts';

export interface ServiceRuntime {
  logger: Logger;
  metrics: Metrics;
  /** Absent for a stateless service under Dapr (`database: 'none'`). */
  db?: DbHandle;
  platform: Platform;
  /** Credentials: from the Dapr secret store under Dapr (only from there in production), else from env. */
  secrets: Record<string, string | undefined>;
  embedded?: EmbeddedRuntime;
  close(): Promise<void>;
}

/**
 * Start-up every service shares: config, logger, metrics, secrets, database (+ migrations) and the
 * platform adapter. Under Dapr the credentials (DATABASE_URL included) come from the secret store
 * before the database is opened — in production from the store only (see credentialsUnderDapr);
 * without Dapr they come from env. Throws CredentialError naming a credential it cannot read.
 */
export async function bootstrapService(opts: {
  appId: string;
  /** The process config, parsed once by the caller (runService). */
  config: ProcessConfig;
  migrations: MigrateOptions[];
  /** The credentials it asks for (DATABASE_URL is added unless `database: 'none'`). */
  secrets?: SecretNeeds;
  env?: Record<string, string | undefined>;
  /** `none`: the service keeps no tables (under Dapr it opens no database at all). */
  database?: 'required' | 'none';
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
  const consumer = { appId: opts.appId, secrets: opts.secrets, database: opts.database };
  let secrets: Record<string, string | undefined> = {};

  let platform: Platform | undefined;
  if (config.TASKTIDE_BUS === 'dapr') {
    platform = createDaprPlatform({
      appId: opts.appId,
      httpPort: config.DAPR_HTTP_PORT,
      apiToken: config.DAPR_API_TOKEN,
      log: logger,
      metrics: busMetrics,
    });
    secrets = await credentialsUnderDapr({ consumer, config, env, platform, logger }).catch((err) => {
      if (err instanceof CredentialError) logger.fatal({ missing: err.names }, `cannot start: ${err.message}`);
      throw err;
    });
  } else {
    for (const name of Object.values(credentialNames(consumer)).flat()) secrets[name] = env[name];
  }

  for (const name of opts.secrets?.generatedInDev ?? []) {
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

/** How long a starting service waits for its sidecar: in a pod the app container may win the race. */
const SIDECAR_WAIT_MS = 60_000;

/**
 * Credentials under Dapr. In production (the clusters) they come from the secret store and nowhere
 * else: a credential in env is ignored, with a warning naming it, because env is exactly what FR-H08
 * forbids and a stale copy there would silently outlive a rotation. A secret the store refuses or
 * lacks stops the start (CredentialError). Outside production (`bun run dev:dapr`) the store comes
 * first and env fills what it cannot give, so a half-set-up local store still starts.
 */
async function credentialsUnderDapr(o: {
  consumer: { appId: string; secrets?: SecretNeeds; database?: 'required' | 'none' };
  config: ProcessConfig;
  env: Record<string, string | undefined>;
  platform: Platform;
  logger: Logger;
}): Promise<Record<string, string | undefined>> {
  const names = Object.values(credentialNames(o.consumer)).flat();
  if (!names.length) return {};
  const production = o.config.NODE_ENV === 'production';
  const deadline = Date.now() + SIDECAR_WAIT_MS;
  for (;;) {
    const ready = await o.platform.ready().then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      throw new CredentialError(
        `${names.join(', ')}: the Dapr sidecar on port ${o.config.DAPR_HTTP_PORT} did not become ready in ${SIDECAR_WAIT_MS / 1000} s`,
        names,
      );
    }
    await Bun.sleep(250);
  }
  const read = daprSecretReader({
    baseUrl: `http://127.0.0.1:${o.config.DAPR_HTTP_PORT}/v1.0`,
    apiToken: o.config.DAPR_API_TOKEN,
  });
  if (production) {
    const inEnv = names.filter((name) => o.env[name]);
    if (inEnv.length) {
      o.logger.warn(
        { ignored: inEnv },
        `${inEnv.join(', ')} set in env but ignored: in production credentials come from the Dapr secret store only`,
      );
    }
    const fromStore = await readStoreCredentials(o.consumer, read);
    o.logger.info({ credentials: names }, 'credentials read from the Dapr secret store');
    return fromStore;
  }
  const fromStore = await readStoreCredentials(
    { appId: o.consumer.appId, secrets: { optional: names }, database: 'none' },
    read,
  ).catch((err: Error) => {
    o.logger.warn({ err: err.message }, 'Dapr secret store incomplete; env fills in (outside production only)');
    return {} as Record<string, string | undefined>;
  });
  return Object.fromEntries(names.map((name) => [name, fromStore[name] || o.env[name]]));
}
