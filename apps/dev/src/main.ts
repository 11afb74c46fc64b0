/**
 * `bun dev`: the whole system in one process on embedded defaults — PGlite under .data/, the
 * in-process bus and scheduler — so a newcomer needs no server. `bun run dev:dapr` runs the same apps
 * as separate processes with real daprd sidecars, Kafka and Postgres.
 */
import { join } from 'node:path';
import { apiRoutes, buildApiDeps, OPENAPI_JSON_PATH, openapiDocs } from '@tasktide/api/app';
import { loadApiConfig } from '@tasktide/api/config';
import { apiMigrations } from '@tasktide/api/migrations';
import { outbox, relayLease } from '@tasktide/api/schema';
import { resolveJwtSecret } from '@tasktide/api/secrets';
import { createBusMetrics, createEmbeddedRuntime, createOutboxRelay } from '@tasktide/dapr';
import { createDb } from '@tasktide/db';
import { createLogger, createMetrics, createService } from '@tasktide/service-kit';

const config = loadApiConfig();
const logger = createLogger({ service: 'tasktide-dev', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
const metrics = createMetrics('dev');
const db = await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite') });
await db.migrate(apiMigrations);
const runtime = await createEmbeddedRuntime({ db, log: logger, metrics: createBusMetrics(metrics.registry) });
const JWT_SECRET = resolveJwtSecret({
  configured: config.JWT_SECRET,
  nodeEnv: config.NODE_ENV,
  dataDir: config.TASKTIDE_DATA_DIR,
});

const relay = createOutboxRelay({
  db: db.db,
  tables: { outbox, relayLease },
  pubsub: runtime.platform('api').pubsub,
  log: logger,
  registry: metrics.registry,
});
const deps = buildApiDeps({ db, config: { ...config, JWT_SECRET }, logger, metrics, onOutboxWrite: relay.notify });
const api = apiRoutes(deps);
runtime.registerApp('api', (request) => api.handle(request));

const app = createService({ name: 'dev', logger, metrics, readiness: { database: () => db.ping() } })
  .use(openapiDocs())
  .use(api)
  .listen(config.PORT);
relay.start();

const base = `http://localhost:${app.server?.port}`;
console.log(`
  tasktide is running (embedded mode: ${db.kind === 'pglite' ? `PGlite in ${config.TASKTIDE_DATA_DIR}/pglite` : 'Postgres'}, in-process bus and scheduler)
    API       ${base}/api/v1
    Docs      ${base}/docs
    OpenAPI   ${base}${OPENAPI_JSON_PATH}
    Health    ${base}/healthz · ${base}/readyz · ${base}/metrics
`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    await app.stop();
    await relay.stop();
    await runtime.close();
    await db.close();
    process.exit(0);
  });
}
