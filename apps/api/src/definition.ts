import { createOutboxRelay } from '@tasktide/outbox';
import { defineService } from '@tasktide/platform';
import { ConfigError } from '@tasktide/service-kit';
import { webRoutes } from '@tasktide/web/routes';
import { Elysia } from 'elysia';
import { apiRoutes, buildApiDeps, openapiDocs } from './app.ts';
import { apiOwnConfigSchema } from './config.ts';
import { apiMigrations } from './db/migrations.ts';
import { outbox, relayLease } from './db/schema.ts';
import { pruneIdempotencyKeys } from './idempotency/service.ts';

export const API_APP_ID = 'api';

/**
 * The api's composition root: accounts, tokens, tasks and the web app, plus its outbox relay.
 * Its own process (main.ts) and `bun dev` both build it here.
 */
export const apiService = defineService({
  appId: API_APP_ID,
  config: apiOwnConfigSchema,
  secrets: { required: ['JWT_SECRET'], optional: ['APP_API_TOKEN'], generatedInDev: ['JWT_SECRET'] },
  migrations: [apiMigrations],
  rootPlugins: () => [openapiDocs()],
  create({ config, secrets, db, platform, logger, metrics, clock }) {
    if (!db) throw new Error('the api needs a database');
    // Without the token the internal routes (another user's task, creating occurrences) would answer
    // anyone who reaches the port: production refuses to start that way.
    if (config.NODE_ENV === 'production' && !secrets.APP_API_TOKEN) {
      throw new ConfigError('APP_API_TOKEN is required in production: it guards the internal routes');
    }
    const relay = createOutboxRelay({
      db: db.db,
      tables: { outbox, relayLease },
      name: API_APP_ID,
      pubsub: platform.pubsub,
      log: logger,
      registry: metrics.registry,
      owner: config.POD_NAME || undefined,
    });
    const deps = buildApiDeps({
      db,
      config: { ...config, JWT_SECRET: secrets.JWT_SECRET as string, APP_API_TOKEN: secrets.APP_API_TOKEN },
      logger,
      metrics,
      onOutboxWrite: relay.notify,
      clock,
      state: platform.state,
    });
    // Idempotency keys are kept 24 h; without pruning the table grows forever.
    let pruning: ReturnType<typeof setInterval> | undefined;
    const prune = () =>
      pruneIdempotencyKeys(db.db, clock.now()).catch((err) => logger.warn({ err }, 'pruning idempotency keys failed'));
    return {
      appId: API_APP_ID,
      routes: new Elysia({ name: 'module:api' }).use(apiRoutes(deps)).use(webRoutes()),
      subscriptions: [],
      start() {
        relay.start();
        void prune();
        pruning = setInterval(prune, config.IDEMPOTENCY_PRUNE_EVERY_MS);
      },
      async stop() {
        clearInterval(pruning);
        await relay.stop();
      },
      pending: () => relay.pending(),
    };
  },
});
