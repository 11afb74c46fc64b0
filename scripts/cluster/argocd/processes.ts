import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess } from '@tasktide/local-stack';
import type { Subprocess } from 'bun';
import type { ControlPlane } from '../control-plane.ts';
import { getJson, postJson } from '../tier/kube.ts';

/**
 * Argo CD's components as local processes against the tier's control plane, configured the way
 * their pods would be: the container env of the workloads the bootstrap applied from install.yaml,
 * resolved as the kubelet resolves it (argocd-cm / argocd-cmd-params-cm keys, the argocd-redis
 * secret), each component authenticated as its own ServiceAccount (a token from the TokenRequest
 * API, so install.yaml's RBAC applies). Only what a pod gets from its network differs: every
 * listener is on 127.0.0.1 (a free port), and components find each other there. The workloads'
 * kwok pods stand for them in the cluster (scheduling, capacity); no container runs.
 *
 * Run: redis (Debian's redis-server with the argocd-redis Deployment's args), argocd-repo-server
 * (with helm 3.17 and git on PATH), argocd-application-controller, argocd-applicationset-controller,
 * argocd-server. Not run: dex (no SSO configured), notifications (none configured), commit-server
 * (the source hydrator is off), the Redis init container's job is done by the same command
 * (`argocd admin redis-initial-password`).
 */
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects
type Any = any;

export interface ArgoCd {
  /** http://127.0.0.1:<port> of argocd-server (plain HTTP: server.insecure from argocd-cmd-params-cm). */
  server: string;
  logDir: string;
  stop(): Promise<void>;
}

export interface ArgoCdBinaries {
  argocd: string;
  redis: string;
  /** Holds helm (and kubectl), which the repo server runs. */
  helm: string;
}

const NS = 'argocd';

async function workload(cp: ControlPlane, kind: 'deployments' | 'statefulsets', name: string): Promise<Any> {
  const w = await getJson<Any>(cp, `/apis/apps/v1/namespaces/${NS}/${kind}/${name}`);
  if (!w) throw new Error(`install.yaml's ${kind}/${name} is not in namespace ${NS} (was the bootstrap run?)`);
  return w;
}

/** The container's env as the kubelet would resolve it; absolute paths under a mount go to `root`. */
export async function resolveEnv(cp: ControlPlane, container: Any, root: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const mounts: string[] = (container.volumeMounts ?? []).map((m: Any) => m.mountPath);
  const place = (v: string) => (mounts.some((m) => v === m || v.startsWith(`${m}/`)) ? join(root, v) : v);
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = place(String(e.value));
    const cm = e.valueFrom?.configMapKeyRef;
    const secret = e.valueFrom?.secretKeyRef;
    if (cm) {
      const data = (await getJson<Any>(cp, `/api/v1/namespaces/${NS}/configmaps/${cm.name}`))?.data ?? {};
      if (cm.key in data) env[e.name] = String(data[cm.key]);
      else if (!cm.optional) throw new Error(`env ${e.name}: configmap ${cm.name} has no key ${cm.key}`);
    } else if (secret) {
      const data = (await getJson<Any>(cp, `/api/v1/namespaces/${NS}/secrets/${secret.name}`))?.data ?? {};
      if (secret.key in data) env[e.name] = Buffer.from(data[secret.key], 'base64').toString();
      else if (!secret.optional) throw new Error(`env ${e.name}: secret ${secret.name} has no key ${secret.key}`);
    } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') {
      env[e.name] = NS;
    }
  }
  for (const m of mounts) mkdirSync(join(root, m), { recursive: true });
  return env;
}

/** A kubeconfig for ServiceAccount `sa` (a bound token), namespace argocd as the pod's would be. */
async function serviceAccountKubeconfig(cp: ControlPlane, sa: string, path: string) {
  const req = (await postJson(cp, `/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 86_400 },
  })) as Any;
  const ca = Buffer.from(await Bun.file(cp.pki.caCert).text()).toString('base64');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: tier, cluster: {server: "${cp.server}", certificate-authority-data: ${ca}}}]
users: [{name: ${sa}, user: {token: ${req.status.token}}}]
contexts: [{name: ${sa}, context: {cluster: tier, user: ${sa}, namespace: ${NS}}}]
current-context: ${sa}
`,
    { mode: 0o600 },
  );
  return path;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export async function startArgoCd(cp: ControlPlane, bins: ArgoCdBinaries, dir: string): Promise<ArgoCd> {
  const logDir = join(dir, 'logs');
  const procs: { name: string; child: Subprocess; log: string }[] = [];
  const stop = async () => {
    for (const p of procs.splice(0).reverse()) await stopProcess(p.child);
  };
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 120_000;
    while (!(await check().catch(() => false))) {
      const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode);
      if (dead) throw new Error(`${dead.name} exited while waiting for ${what} (log ${dead.log})`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await Bun.sleep(200);
    }
  };
  const httpOk = (url: string) => async () => (await fetch(url)).ok;

  /** One component: its workload's container env + ServiceAccount, our loopback flags. */
  const component = async (name: string, kind: 'deployments' | 'statefulsets', flags: string[], extra = {}) => {
    const w = await workload(cp, kind, name);
    const spec = w.spec.template.spec;
    const root = join(dir, name);
    const env = await resolveEnv(cp, spec.containers[0], root);
    const kubeconfig = await serviceAccountKubeconfig(cp, spec.serviceAccountName, join(dir, `${name}.kubeconfig`));
    const log = join(logDir, `${name}.log`);
    mkdirSync(join(root, 'tmp'), { recursive: true });
    // Run through a link in the run's directory: the multi-call binary picks its role from the name,
    // and the command line then names the run's directory (what the leftover check looks for).
    const link = join(dir, 'bin', name);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    symlinkSync(join(bins.argocd, 'argocd'), link);
    const child = spawnLogged([link, ...flags], {
      log,
      cwd: root,
      env: {
        ...env,
        KUBECONFIG: kubeconfig,
        // The "in-cluster" destination (https://kubernetes.default.svc) is this kubeconfig's cluster.
        ARGOCD_FAKE_IN_CLUSTER: 'true',
        TMPDIR: join(root, 'tmp'),
        HOME: root,
        ...extra,
      },
    });
    procs.push({ name, child, log });
    return { env, kubeconfig };
  };

  try {
    mkdirSync(logDir, { recursive: true });
    // The argocd-redis pod's init container: creates secret argocd-redis (key auth) if missing.
    const redisDeployment = await workload(cp, 'deployments', 'argocd-redis');
    const init = redisDeployment.spec.template.spec.initContainers?.[0];
    const initConfig = await serviceAccountKubeconfig(
      cp,
      redisDeployment.spec.template.spec.serviceAccountName,
      join(dir, 'argocd-redis.kubeconfig'),
    );
    const initRun = Bun.spawnSync([join(bins.argocd, 'argocd'), ...init.command.slice(1), ...(init.args ?? [])], {
      env: { ...process.env, KUBECONFIG: initConfig, HOME: dir },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    if (initRun.exitCode !== 0) throw new Error(`argocd admin redis-initial-password: ${initRun.stderr}`);

    const ports: number[] = [];
    for (let i = 0; i < 9; i++) ports.push(await freePort());
    const [redisPort, repoPort, repoMetrics, ctrlMetrics, serverPort, serverMetrics, setMetrics, setProbe, setHook] =
      ports as [number, number, number, number, number, number, number, number, number];

    const redisContainer = redisDeployment.spec.template.spec.containers[0];
    const redisEnv = await resolveEnv(cp, redisContainer, join(dir, 'argocd-redis'));
    // $(VAR) in args is expanded from the container env, as the kubelet does.
    const redisArgs = (redisContainer.args as string[]).map((a) =>
      a.replace(/\$\((\w+)\)/g, (_, v: string) => redisEnv[v] ?? ''),
    );
    const redisLog = join(logDir, 'argocd-redis.log');
    mkdirSync(join(dir, 'argocd-redis'), { recursive: true });
    procs.push({
      name: 'argocd-redis',
      log: redisLog,
      child: spawnLogged(
        [
          join(bins.redis, 'redis-server'),
          ...redisArgs,
          '--bind',
          '127.0.0.1',
          '--port',
          String(redisPort),
          '--dir',
          join(dir, 'argocd-redis'),
        ],
        { log: redisLog },
      ),
    });
    await until('redis', () => listening(redisPort));
    const redis = ['--redis', `127.0.0.1:${redisPort}`];
    const repoServer = `127.0.0.1:${repoPort}`;

    await component(
      'argocd-repo-server',
      'deployments',
      [
        '--address',
        '127.0.0.1',
        '--port',
        String(repoPort),
        '--metrics-address',
        '127.0.0.1',
        '--metrics-port',
        String(repoMetrics),
        ...redis,
      ],
      // The image's PATH has helm and Argo CD's helper scripts (git-verify-wrapper.sh); GnuPG
      // verification is off: no keys are configured, and its keyring is a pod volume.
      { PATH: `${bins.argocd}:${bins.helm}:${process.env.PATH}`, ARGOCD_GPG_ENABLED: 'false' },
    );
    await until('argocd-repo-server /healthz', httpOk(`http://127.0.0.1:${repoMetrics}/healthz`));

    // The server first: at its first start it creates the `default` AppProject (the root's project)
    // and the initial admin secret, as its pod does in a cluster.
    await component('argocd-server', 'deployments', [
      '--address',
      '127.0.0.1',
      '--port',
      String(serverPort),
      '--metrics-address',
      '127.0.0.1',
      '--metrics-port',
      String(serverMetrics),
      '--repo-server',
      repoServer,
      ...redis,
    ]);
    await until('argocd-server /healthz', httpOk(`http://127.0.0.1:${serverPort}/healthz`));
    await until('the default AppProject', async () =>
      Boolean(await getJson(cp, `/apis/argoproj.io/v1alpha1/namespaces/${NS}/appprojects/default`)),
    );
    await component('argocd-application-controller', 'statefulsets', [
      '--repo-server',
      repoServer,
      '--metrics-port',
      String(ctrlMetrics),
      ...redis,
    ]);
    await component('argocd-applicationset-controller', 'deployments', [
      '--argocd-repo-server',
      repoServer,
      '--metrics-addr',
      `127.0.0.1:${setMetrics}`,
      '--probe-addr',
      `127.0.0.1:${setProbe}`,
      '--webhook-addr',
      `127.0.0.1:${setHook}`,
    ]);
    await until('argocd-application-controller /healthz', httpOk(`http://127.0.0.1:${ctrlMetrics}/healthz`));
    // Its pod's probe is a TCP check too: the controller registers no health endpoint.
    await until('argocd-applicationset-controller probe port', () => listening(setProbe));
    return { server: `http://127.0.0.1:${serverPort}`, logDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The admin password argocd-server generated at its first start (what the README tells you to read). */
export async function initialAdminPassword(cp: ControlPlane): Promise<string> {
  const s = await getJson<Any>(cp, `/api/v1/namespaces/${NS}/secrets/argocd-initial-admin-secret`);
  if (!s) throw new Error('argocd-initial-admin-secret does not exist (argocd-server makes it at its first start)');
  return Buffer.from(s.data.password, 'base64').toString();
}
