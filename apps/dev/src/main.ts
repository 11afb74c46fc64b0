/**
 * `bun dev`: the whole system in one process on embedded defaults — PGlite under .data/, the
 * in-process bus and scheduler — so a newcomer needs no server. `bun run dev:dapr` runs the same apps
 * as separate processes with real daprd sidecars, Kafka and Postgres.
 */
import { OPENAPI_JSON_PATH } from '@tasktide/api/app';
import { exitOnSignal, stopListening } from '@tasktide/platform';
import { createSystem } from './system.ts';

const system = await createSystem();
// Loopback unless told otherwise: the dev defaults (generated secrets, open internal routes) are
// not for a network. HOST=0.0.0.0 exposes it deliberately.
const server = system.app.listen({ port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' });
system.start();

const base = `http://localhost:${server.server?.port}`;
console.log(`
  tasktide is running (embedded mode: ${system.db.kind === 'pglite' ? 'PGlite under .data/' : 'Postgres'}, in-process bus and scheduler)
    Web app   ${base}/
    API       ${base}/api/v1
    Docs      ${base}/docs
    OpenAPI   ${base}${OPENAPI_JSON_PATH}
    Health    ${base}/healthz · ${base}/readyz · ${base}/metrics
`);

exitOnSignal(system.logger, async () => {
  await stopListening(server);
  await system.stop();
});
