import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Static, TObject, TProperties } from '@sinclair/typebox';
import { createDb, type DbHandle, type MigrateOptions } from '@tasktide/db';
import {
  baseConfigSchema,
  type Clock,
  createLogger,
  type Logger,
  loadConfigOrExit,
  type Metrics,
  parseConfig,
  ConfigType as T,
} from '@tasktide/service-kit';
import type { AnyElysia } from 'elysia';
import type { ServiceModule } from './module.ts';
import type { Platform } from './ports.ts';

/** What every service process reads from env besides its own keys (parsed together, once). */
export const processConfigSchema = T.Object({
  ...baseConfigSchema.properties,
  ...{
    PORT: T.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
    /**
     * Prometheus's own port: when set, `/metrics` is served only there (never on PORT, which the
     * Service and the ingress expose). Production defaults to 9464 (the chart sets it explicitly);
     * elsewhere unset means `/metrics` on PORT, for `bun dev` on 127.0.0.1.
     */
    METRICS_PORT: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
    /**
     * Share PORT with other processes (SO_REUSEPORT; the kernel spreads connections): one Bun
     * process uses one core, so on a multi-core host start one process per core with this on.
     * Off by default, so a second server on a taken port fails instead of silently sharing it.
     */
    REUSE_PORT: T.Boolean({ default: false }),
    /** `dapr` in clusters and dev:dapr (a sidecar is next to us); `embedded` runs everything in process. */
    TASKTIDE_BUS: T.Union([T.Literal('embedded'), T.Literal('dapr')], { default: 'embedded' }),
    DAPR_HTTP_PORT: T.Integer({ default: 3500, minimum: 1, maximum: 65535 }),
    /** Token this app sends to its sidecar (Dapr API token auth). */
    DAPR_API_TOKEN: T.Optional(T.String({ minLength: 1 })),
    TASKTIDE_DATA_DIR: T.String({ default: '.data' }),
    /** OTLP/HTTP collector for traces (the service chart sets it); unset: no SDK is loaded, nothing exported. */
    OTEL_EXPORTER_OTLP_ENDPOINT: T.Optional(T.String({ pattern: '^https?://' })),
    OTEL_SERVICE_NAME: T.Optional(T.String({ minLength: 1 })),
    /**
     * Migration Jobs only: the directory where the `tasktide-database` Secret is mounted as files
     * (`<dir>/DATABASE_URL`). A PreSync Job has no sidecar to ask, and a credential in env is what
     * the clusters forbid; services never read it (they ask the Dapr secret store).
     */
    TASKTIDE_CREDENTIALS_DIR: T.Optional(T.String({ minLength: 1 })),
  },
});
type ProcessProperties = typeof processConfigSchema.properties;
export type ProcessConfig = Static<typeof processConfigSchema>;

/** Where this process serves `/metrics`: its own port, or undefined for the public one (dev only). */
export function metricsPortOf(config: Pick<ProcessConfig, 'METRICS_PORT' | 'NODE_ENV'>): number | undefined {
  return config.METRICS_PORT ?? (config.NODE_ENV === 'production' ? 9464 : undefined);
}

/**
 * Credentials a service needs, by name. Under Dapr read from the secret store (in production from
 * there only; where each lives: credentials.ts), else from env.
 */
export interface SecretNeeds {
  /** The process does not start without these (a message names the missing ones). */
  required?: string[];
  optional?: string[];
  /** Outside production, generated once into the data dir when absent (see resolveSecret). */
  generatedInDev?: string[];
}

/** Everything a service's factory gets, whether it runs as its own process or inside `bun dev`. */
export interface ServiceContext<C> {
  appId: string;
  /** The process config and the service's own keys, parsed once. */
  config: ProcessConfig & C;
  /** The credentials it asked for; required ones are present. */
  secrets: Record<string, string | undefined>;
  /** Absent only for a stateless service under Dapr. */
  db?: DbHandle;
  platform: Platform;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}

/**
 * A service's composition root: its config schema, credentials, tables and one factory that
 * builds its module. `runService` (the service's main.ts) and the all-in-one dev system both call
 * the factory, so a service is wired in exactly one place.
 */
export interface ServiceDefinition<P extends TProperties = TProperties> {
  appId: string;
  /** The service's own env keys (the process keys are added). */
  config: TObject<P>;
  secrets?: SecretNeeds;
  migrations: MigrateOptions[];
  /** `none`: it keeps no tables (under Dapr it opens no database at all). */
  database?: 'required' | 'none';
  create(ctx: ServiceContext<Static<TObject<P>>>): ServiceModule | Promise<ServiceModule>;
  /** Plugins for the root of whatever process serves it (the api's OpenAPI document). */
  rootPlugins?(): AnyElysia[];
  /** Close the module before the HTTP server (open WebSockets would hold the server). */
  stopModuleFirst?: boolean;
}

/** Identity function that keeps the config schema's type for the factory. */
export function defineService<P extends TProperties>(definition: ServiceDefinition<P>): ServiceDefinition<P> {
  return definition;
}

/** The full env schema of a service: process keys + its own. */
export function serviceConfigSchema<P extends TProperties>(definition: { config: TObject<P> }) {
  return T.Object({ ...processConfigSchema.properties, ...definition.config.properties }) as TObject<
    ProcessProperties & P
  >;
}

/** Parses a service's config (process keys + its own) from env; throws ConfigError naming bad keys. */
export function parseServiceConfig<P extends TProperties>(
  definition: ServiceDefinition<P>,
  env: Record<string, string | undefined>,
) {
  return parseConfig(serviceConfigSchema(definition) as unknown as TObject, env) as ProcessConfig & Static<TObject<P>>;
}

/** Names of required credentials that are missing. */
export function missingSecrets(needs: SecretNeeds | undefined, secrets: Record<string, string | undefined>) {
  return (needs?.required ?? []).filter((name) => !secrets[name]);
}

/**
 * Applies a service's migrations and exits: the Kubernetes PreSync hook Job runs this (each
 * service's migrate.ts is one line). The database URL comes from the mounted Secret file under
 * TASKTIDE_CREDENTIALS_DIR (clusters), else from env (a developer's shell).
 */
export async function runMigrations(
  definition: Pick<ServiceDefinition, 'appId' | 'config' | 'migrations'>,
  env: Record<string, string | undefined> = process.env,
) {
  const config = loadConfigOrExit(processConfigSchema, env);
  const log = createLogger({
    service: `${definition.appId}-migrate`,
    version: config.SERVICE_VERSION,
    level: config.LOG_LEVEL,
  });
  const url = config.TASKTIDE_CREDENTIALS_DIR
    ? readFileSync(join(config.TASKTIDE_CREDENTIALS_DIR, 'DATABASE_URL'), 'utf8').trim()
    : env.DATABASE_URL || undefined;
  if (!url && config.NODE_ENV === 'production') {
    log.fatal('DATABASE_URL is required in production (a file in TASKTIDE_CREDENTIALS_DIR)');
    process.exit(78); // EX_CONFIG
  }
  const db = await createDb({
    url,
    dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite'),
    max: 1,
  });
  for (const m of definition.migrations) await db.migrate(m);
  log.info({ database: db.kind, schemas: definition.migrations.map((m) => m.migrationsSchema) }, 'migrations applied');
  await db.close();
}
