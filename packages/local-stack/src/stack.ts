import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusMetrics, createDaprPlatform, type Platform } from '@tasktide/platform';
import type { Logger } from '@tasktide/service-kit';
import type { AnyElysia } from 'elysia';
import postgres from 'postgres';
import { type Scheduler, type Sidecar, startDaprd, startScheduler } from './daprd.ts';
import { createTopics, type KafkaBroker, startKafka } from './kafka.ts';
import { freePort, runScript } from './process.ts';
import { type LocalResourceOptions, writeLocalResources } from './resources.ts';

export interface LocalStack {
  dir: string;
  kafka: KafkaBroker;
  scheduler: Scheduler;
  /** Admin URL of the Postgres the stack uses. */
  postgresUrl: string;
  /** A fresh database on that server (for an app or a test). */
  createDatabase(prefix: string): Promise<string>;
  resources: { resourcesPath: string; configPath: string };
  secretsFile: string;
  /** Serves `app` on a free port and starts its daprd; returns the app's Dapr platform. */
  startApp(appId: string, build: (platform: Platform) => AnyElysia, opts?: StartAppOptions): Promise<RunningApp>;
  close(): Promise<void>;
}

export interface StartAppOptions {
  log?: Logger;
  metrics?: BusMetrics;
  env?: Record<string, string>;
}

export interface RunningApp {
  appId: string;
  url: string;
  platform: Platform;
  sidecar: Sidecar;
  server: ReturnType<AnyElysia['listen']>;
  stop(): Promise<void>;
}

/**
 * The real platform on one machine, no Docker: PostgreSQL (DATABASE_URL or one started by
 * scripts/platform/start-postgres.sh), a KRaft Kafka broker, the Dapr scheduler and one daprd per
 * app, wired by generated Dapr resources. Used by the real-stack test tier and `bun run dev:dapr`.
 */
export async function startLocalStack(
  opts: { dir?: string; postgresUrl?: string; resources?: Partial<LocalResourceOptions> } = {},
): Promise<LocalStack> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tasktide-stack-'));
  mkdirSync(dir, { recursive: true });
  const ownPostgres = !opts.postgresUrl && !process.env.DATABASE_URL;
  const postgresUrl =
    opts.postgresUrl ??
    process.env.DATABASE_URL ??
    (await runScript('scripts/platform/start-postgres.sh', [join(dir, 'pg'), String(await freePort())], {
      // Stopped with this process even when it is killed before stop() runs.
      PG_TIED_TO: String(process.pid),
    }));
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  async function createDatabase(prefix: string) {
    const name = `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }
  const [kafkaPort, controllerPort] = [await freePort(), await freePort()];
  const [kafka, scheduler] = await Promise.all([
    startKafka({ dataDir: join(dir, 'kafka'), port: kafkaPort, controllerPort }),
    startScheduler(join(dir, 'scheduler')),
  ]);
  await createTopics(kafka.brokers);
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ 'conformance-secret': 's3cr3t' }));
  const resources = writeLocalResources(dir, {
    kafkaBrokers: kafka.brokers,
    stateStoreUrl: await createDatabase('dapr_state'),
    secretsFile,
    nameResolutionFile: join(dir, 'nameresolution.db'),
    ...opts.resources,
  });
  const apps: RunningApp[] = [];

  async function startApp(
    appId: string,
    build: (platform: Platform) => AnyElysia,
    o: StartAppOptions = {},
  ): Promise<RunningApp> {
    const appPort = await freePort();
    // The sidecar's HTTP port is only known once it runs, but the app needs a client first: the
    // platform resolves the port lazily through this holder.
    const holder: { port?: number } = {};
    const platform = createDaprPlatform({ appId, httpPortRef: () => holder.port ?? 0, log: o.log, metrics: o.metrics });
    const server = build(platform).listen({ port: appPort, hostname: '127.0.0.1' });
    const sidecar = await startDaprd({
      appId,
      appPort,
      ...resources,
      schedulerAddress: scheduler.address,
      logFile: join(dir, `${appId}-${appPort}.daprd.log`),
      env: o.env,
    });
    holder.port = sidecar.httpPort;
    const running: RunningApp = {
      appId,
      url: `http://127.0.0.1:${appPort}`,
      platform,
      sidecar,
      server,
      async stop() {
        await sidecar.stop();
        await server.stop(true);
        await platform.close();
      },
    };
    apps.push(running);
    return running;
  }

  return {
    dir,
    kafka,
    scheduler,
    postgresUrl,
    createDatabase,
    resources,
    secretsFile,
    startApp,
    async close() {
      await Promise.allSettled(apps.map((a) => a.stop()));
      await Promise.allSettled([kafka.stop(), scheduler.stop()]);
      await admin.end();
      if (ownPostgres) await runScript('scripts/platform/stop-postgres.sh', [join(dir, 'pg')]);
    },
  };
}

let shared: Promise<LocalStack> | undefined;
/** Apps started through a scope that is still open, by app id → the scope's name. */
const openApps = new Map<string, Set<string>>();

/**
 * One stack per test process — every real-stack test file shares the broker, scheduler and Postgres
 * (Kafka boots in ~10 s) — seen through a scope per test file: `close()` stops the apps this file
 * started and leaves the shared parts running.
 *
 * Why scopes: an app left running by an earlier file stays in its consumer group and in name
 * resolution, so it takes the next file's messages and answers its invocations with the wrong
 * database (a "next occurrence" that never came, on a busy machine). Starting an app whose id is
 * still running in another open scope is therefore an error naming that scope.
 *
 * @example
 * beforeAll(async () => { stack = await sharedStack('notifier.stack'); … });
 * afterAll(() => stack.close());
 */
export async function sharedStack(scopeName = 'unnamed'): Promise<LocalStack> {
  // The reminder sweep runs every 5 s here so "missed while down" tests do not wait a minute.
  shared ??= startLocalStack({ resources: { sweepSchedule: '@every 5s' } }).then((stack) => {
    process.once('beforeExit', () => void stack.close());
    return stack;
  });
  const stack = await shared;
  const mine: RunningApp[] = [];
  return {
    ...stack,
    async startApp(appId, build, opts) {
      const others = [...(openApps.get(appId) ?? [])].filter((s) => s !== scopeName);
      if (others.length) {
        throw new Error(
          `app ${appId} is still running from ${others.join(', ')}: close that scope (afterAll → stack.close()) first`,
        );
      }
      const app = await stack.startApp(appId, build, opts);
      openApps.set(appId, new Set([...(openApps.get(appId) ?? []), scopeName]));
      mine.push(app);
      const stop = app.stop;
      app.stop = async () => {
        await stop();
        mine.splice(mine.indexOf(app), 1);
        if (!mine.some((a) => a.appId === appId)) openApps.get(appId)?.delete(scopeName);
      };
      return app;
    },
    async close() {
      await Promise.allSettled([...mine].map((a) => a.stop()));
    },
  };
}
