import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { freePort, spawnLogged, stopProcess, waitFor } from './process.ts';

/** Directory holding daprd + scheduler (TASKTIDE_DAPR_BIN, else the cache scripts/platform fills). */
export function daprBinDir(): string {
  const dir = process.env.TASKTIDE_DAPR_BIN;
  if (dir) return dir;
  const cache = process.env.TASKTIDE_CACHE ?? join(process.env.HOME ?? '/root', '.cache/tasktide');
  return join(cache, 'dapr-1.18.1');
}

export interface Scheduler {
  address: string;
  /** Port of its Prometheus endpoint (`/metrics`), for the observability tests. */
  metricsPort: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** Starts the Dapr scheduler (embedded etcd) on free loopback ports. */
export async function startScheduler(dir: string): Promise<Scheduler> {
  const [port, healthz, metrics, etcdClient, etcdPeer] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  let child: Subprocess | undefined;
  const start = async () => {
    child = spawnLogged(
      [
        join(daprBinDir(), 'scheduler'),
        '--listen-address=127.0.0.1',
        `--port=${port}`,
        `--healthz-port=${healthz}`,
        '--healthz-listen-address=127.0.0.1',
        `--metrics-port=${metrics}`,
        '--metrics-listen-address=127.0.0.1',
        `--etcd-data-dir=${join(dir, 'etcd')}`,
        '--id=s0',
        `--etcd-initial-cluster=s0=http://127.0.0.1:${etcdPeer}`,
        `--etcd-client-port=${etcdClient}`,
        '--etcd-client-listen-address=127.0.0.1',
        '--log-level=warn',
      ],
      { log: join(dir, 'scheduler.log') },
    );
    await waitFor('scheduler healthz', async () => (await fetch(`http://127.0.0.1:${healthz}/healthz`)).ok, 60_000);
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    metricsPort: metrics,
    stop: async () => child && stopProcess(child),
    restart: start,
  };
}

export interface Sidecar {
  appId: string;
  httpPort: number;
  grpcPort: number;
  metricsPort: number;
  process: Subprocess;
  stop(): Promise<void>;
}

/**
 * Starts daprd for one app. Returns once the sidecar reports healthy, which (with an app port) means
 * it reached the app and read its subscriptions.
 */
export async function startDaprd(opts: {
  appId: string;
  appPort: number;
  resourcesPath: string;
  configPath: string;
  schedulerAddress: string;
  logFile: string;
  env?: Record<string, string>;
  appApiToken?: string;
  waitForApp?: boolean;
  /** Fixed HTTP port (when the app must know it before its sidecar starts). */
  httpPort?: number;
}): Promise<Sidecar> {
  const [httpPort, grpcPort, metricsPort, internalPort] = await Promise.all([
    opts.httpPort ?? freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const child = spawnLogged(
    [
      join(daprBinDir(), 'daprd'),
      `--app-id=${opts.appId}`,
      `--app-port=${opts.appPort}`,
      '--app-protocol=http',
      `--dapr-http-port=${httpPort}`,
      `--dapr-grpc-port=${grpcPort}`,
      `--dapr-internal-grpc-port=${internalPort}`,
      `--metrics-port=${metricsPort}`,
      `--resources-path=${opts.resourcesPath}`,
      `--config=${opts.configPath}`,
      `--scheduler-host-address=${opts.schedulerAddress}`,
      '--placement-host-address=',
      '--dapr-listen-addresses=127.0.0.1',
      '--log-level=warn',
    ],
    {
      log: opts.logFile,
      env: { DAPR_HOST_IP: '127.0.0.1', ...(opts.appApiToken ? { APP_API_TOKEN: opts.appApiToken } : {}), ...opts.env },
    },
  );
  const path = opts.waitForApp === false ? 'healthz/outbound' : 'healthz';
  await waitFor(
    `daprd ${opts.appId} healthy`,
    async () => {
      if (child.exitCode !== null) throw new Error(`daprd exited with ${child.exitCode}; see ${opts.logFile}`);
      return (await fetch(`http://127.0.0.1:${httpPort}/v1.0/${path}`)).status === 204;
    },
    90_000,
    250,
  );
  return { appId: opts.appId, httpPort, grpcPort, metricsPort, process: child, stop: () => stopProcess(child) };
}
