import { createService } from '@tasktide/service-kit';
import type { ServiceRuntime } from './bootstrap.ts';
import type { mountModule } from './module.ts';

/**
 * The process shape every reacting service shares: plumbing (health, metrics, errors) + the mounted
 * module, listen, start the module's loops, and drain on SIGTERM/SIGINT.
 * `stopModuleFirst` closes the module (e.g. WebSockets) before the HTTP server.
 */
export function serveModule(
  name: string,
  rt: ServiceRuntime,
  module: ReturnType<typeof mountModule>,
  opts: { port: number; stopModuleFirst?: boolean },
) {
  const db = rt.db;
  const app = createService({
    name,
    logger: rt.logger,
    metrics: rt.metrics,
    readiness: { ...(db ? { database: () => db.ping() } : {}), sidecar: () => rt.platform.ready() },
  })
    .use(module.app)
    .listen(opts.port);
  module.start();
  rt.logger.info({ port: opts.port }, `${name} listening`);
  // Bounded: Bun 1.3.14's stop() never resolves after a server-side WebSocket close (oven-sh/bun#36223).
  const stopServer = () => Promise.race([app.stop(), Bun.sleep(2_000)]);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      rt.logger.info({ signal }, 'draining');
      if (opts.stopModuleFirst) {
        await module.stop();
        await stopServer();
      } else {
        await stopServer();
        await module.stop();
      }
      await rt.close();
      process.exit(0);
    });
  }
  return app;
}
