/**
 * `bun dev`: the whole system in one process on embedded defaults — PGlite under .data/, the
 * in-process bus and scheduler — so a newcomer needs no server. `bun run dev:dapr` runs the same apps
 * as separate processes with real daprd sidecars, Kafka and Postgres.
 */
import { join } from 'node:path';
import { apiRoutes, buildApiDeps, OPENAPI_JSON_PATH, openapiDocs } from '@tasktide/api/app';
import { loadApiConfig } from '@tasktide/api/config';
import { apiMigrations } from '@tasktide/api/migrations';
import { resolveJwtSecret } from '@tasktide/api/secrets';
import { createDb } from '@tasktide/db';
import { createLogger, createMetrics, createService } from '@tasktide/service-kit';

const config = loadApiConfig();
const logger = createLogger({ service: 'tasktide-dev', version: config.SERVICE_VERSION, level: config.LOG_LEVEL });
const db = await createDb({ url: config.DATABASE_URL, dataDir: join(config.TASKTIDE_DATA_DIR, 'pglite') });
await db.migrate(apiMigrations);
const JWT_SECRET = resolveJwtSecret({
  configured: config.JWT_SECRET,
  nodeEnv: config.NODE_ENV,
  dataDir: config.TASKTIDE_DATA_DIR,
});
const deps = buildApiDeps({ db, config: { ...config, JWT_SECRET }, logger, metrics: createMetrics('api') });

const app = createService({
  name: 'dev',
  logger,
  metrics: createMetrics('dev'),
  readiness: { database: () => db.ping() },
})
  .use(openapiDocs())
  .use(apiRoutes(deps))
  .listen(config.PORT);

const base = `http://localhost:${app.server?.port}`;
console.log(`
  tasktide is running (embedded mode: ${db.kind === 'pglite' ? `PGlite in ${config.TASKTIDE_DATA_DIR}/pglite` : 'Postgres'})
    API       ${base}/api/v1
    Docs      ${base}/docs
    OpenAPI   ${base}${OPENAPI_JSON_PATH}
    Health    ${base}/healthz · ${base}/readyz · ${base}/metrics
`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    await app.stop();
    await db.close();
    process.exit(0);
  });
}
