import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess } from '@tasktide/local-stack';
import type { Subprocess } from 'bun';
import { kubeBinaries } from './binaries.ts';
import { type ClientName, makePki, type Pki } from './pki.ts';

/**
 * A real Kubernetes control plane on 127.0.0.1 for the cluster test tier: etcd, kube-apiserver (with
 * the admission chain of a real cluster: PodSecurity, ResourceQuota, LimitRanger, ServiceAccount …),
 * kube-controller-manager and kube-scheduler, plus kwok simulating the nodes' kubelets (pods are
 * scheduled and reach Ready/Succeeded; no container runs). Every process runs under tied.sh, so none
 * outlives the caller, with its output in `<dir>/logs/<name>.log`.
 */

/** Shape of a simulated node (capacity = allocatable). OKE's worker: arm64, 4 CPU, 24Gi. */
export interface NodeShape {
  name: string;
  arch?: 'arm64' | 'amd64';
  cpu?: string;
  memory?: string;
  pods?: string;
  /** InternalIP (pods' hostIP); default 10.0.0.<n> in order of creation. */
  ip?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

export interface ControlPlaneOptions {
  /** Working directory of this control plane (certs, etcd data, kubeconfigs, logs); made if missing. */
  dir: string;
  nodes?: NodeShape[];
  /** Service ClusterIP range; the apiserver's certificate covers its first address. */
  serviceCidr?: string;
  /** Budget for each readiness wait (etcd, apiserver, leases, nodes); a cold binary build is not counted. */
  waitTimeoutMs?: number;
  /**
   * kube-controller-manager controllers to leave off, e.g. horizontal-pod-autoscaler-controller when
   * the caller stands in for it (no metrics API runs here: the real one would report failing metrics).
   */
  disabledControllers?: string[];
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  /** Admin kubeconfig (user O=system:masters), certificates embedded. */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  dir: string;
  pki: Pki;
  /** Runs kubectl against this cluster (`input` goes to stdin, e.g. `apply -f -`). Never throws on exit code. */
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** fetch against the apiserver as admin (client certificate), e.g. api('/api/v1/nodes'). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Creates simulated nodes and waits until they are Ready and schedulable. */
  addNodes(nodes: NodeShape[]): Promise<void>;
  /** Stops every process (kwok, scheduler, controller-manager, apiserver, etcd) and waits for them. */
  stop(): Promise<void>;
}

const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

function b64(path: string) {
  return readFileSync(path).toString('base64');
}

function writeKubeconfig(path: string, server: string, pki: Pki, user: ClientName) {
  const { cert, key } = pki.clients[user];
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: tasktide-test
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(pki.caCert)}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(cert)}
    client-key-data: ${b64(key)}
contexts:
- name: ${user}@tasktide-test
  context:
    cluster: tasktide-test
    user: ${user}
current-context: ${user}@tasktide-test
`,
    { mode: 0o600 },
  );
  return path;
}

/** First usable address of a CIDR (what the apiserver gives the `kubernetes` Service). */
function firstIp(cidr: string) {
  const [base = ''] = cidr.split('/');
  const parts = base.split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join('.');
}

function tail(path: string, lines = 30) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Proc {
  name: string;
  child: Subprocess;
  log: string;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const { dir } = opts;
  const serviceCidr = opts.serviceCidr ?? '10.96.0.0/16';
  const bins = await kubeBinaries();
  mkdirSync(join(dir, 'logs'), { recursive: true });
  // A fresh store each start: etcd's member data records the peer URL, and the ports are new.
  rmSync(join(dir, 'etcd'), { recursive: true, force: true });

  const procs: Proc[] = [];
  const start = (name: string, cmd: string[]) => {
    const log = join(dir, 'logs', `${name}.log`);
    const proc = { name, child: spawnLogged(cmd, { log }), log };
    procs.push(proc);
    return proc;
  };
  const stop = async () => {
    // Reverse order: clients first, etcd last (the apiserver would otherwise retry etcd until killed).
    for (const { child } of procs.splice(0).reverse()) await stopProcess(child);
  };

  /** Polls `check` until truthy; fails at once (with the log) when one of the processes has exited. */
  const until = async <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> => {
    let last: unknown;
    const deadline = Date.now() + (opts.waitTimeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode);
      if (dead) throw new Error(`${dead.name} exited while waiting for ${what}:\n${tail(dead.log)}`);
      try {
        const value = await check();
        if (value) return value;
      } catch (err) {
        last = err;
      }
      await Bun.sleep(200);
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
  };

  try {
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const pki = await makePki(join(dir, 'pki'), { serviceIp: firstIp(serviceCidr) });
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = writeKubeconfig(join(dir, 'admin.kubeconfig'), server, pki, 'admin');
    const kcmConfig = writeKubeconfig(join(dir, 'controller-manager.kubeconfig'), server, pki, 'controller-manager');
    const schedConfig = writeKubeconfig(join(dir, 'scheduler.kubeconfig'), server, pki, 'scheduler');

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    start('etcd', [
      join(bins.etcd, 'etcd'),
      '--name=node0',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=node0=http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster-state=new',
      '--auto-compaction-retention=1',
      // Throw-away test data: skipping fsync keeps a slow CI disk from stretching every write.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await until('etcd /health', async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    });

    const tls = {
      ca: readFileSync(pki.caCert, 'utf8'),
      cert: readFileSync(pki.clients.admin.cert, 'utf8'),
      key: readFileSync(pki.clients.admin.key, 'utf8'),
    };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server}${path}`, { ...init, tls } as RequestInit & { tls: typeof tls });

    start('kube-apiserver', [
      join(bins.kube, 'kube-apiserver'),
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${pki.apiserverCert}`,
      `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=Node,RBAC',
      // The defaults already hold most of these; naming them keeps the tier honest if defaults move.
      // NodeRestriction as kubeadm/OKE add it.
      '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,DefaultTolerationSeconds,Priority,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
      // As on a real cluster: privileged pods are allowed by the apiserver and refused by PodSecurity.
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      // The `kubernetes` Service's Endpoints may not hold a loopback address: keep the reconciler off.
      '--endpoint-reconciler-type=none',
      // Aggregation layer as kubeadm sets it up (also gives the components their requestheader CA).
      `--requestheader-client-ca-file=${pki.caCert}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${pki.clients['front-proxy'].cert}`,
      `--proxy-client-key-file=${pki.clients['front-proxy'].key}`,
      '--profiling=false',
    ]);
    await until('kube-apiserver /readyz', async () => {
      const res = await api('/readyz');
      return res.ok && (await res.text()) === 'ok';
    });

    const servingFlags = (name: string, port: number, config: string) => [
      `--kubeconfig=${config}`,
      `--authentication-kubeconfig=${config}`,
      `--authorization-kubeconfig=${config}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, name)}`,
      '--leader-elect=true',
      '--profiling=false',
    ];
    start('kube-controller-manager', [
      join(bins.kube, 'kube-controller-manager'),
      ...servingFlags('kube-controller-manager', kcmPort, kcmConfig),
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.saKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      `--controllers=${['*', 'bootstrapsigner', 'tokencleaner', ...(opts.disabledControllers ?? []).map((c) => `-${c}`)].join(',')}`,
    ]);
    start('kube-scheduler', [
      join(bins.kube, 'kube-scheduler'),
      ...servingFlags('kube-scheduler', schedPort, schedConfig),
    ]);

    // kwok: the Stages kwokctl uses by default (node init + lease heartbeat, pod ready/complete/delete),
    // managing only the nodes annotated as fake ones.
    const stagesDir = join(bins.kwok, 'stages');
    const kwokConfig = join(dir, 'kwok.yaml');
    writeFileSync(
      kwokConfig,
      readdirSync(stagesDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => readFileSync(join(stagesDir, f), 'utf8').trim())
        .join('\n---\n'),
    );
    start('kwok', [
      join(bins.kwok, 'kwok'),
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfig}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.0/16',
    ]);

    const leaseHeld = (name: string) => async () => {
      const res = await api(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`);
      if (!res.ok) return false;
      return Boolean(((await res.json()) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity);
    };
    await until('kube-controller-manager leader lease', leaseHeld('kube-controller-manager'));
    await until('kube-scheduler leader lease', leaseHeld('kube-scheduler'));
    // The service-account controller's first work: pods can be admitted in `default` from here on.
    await until(
      'the default ServiceAccount',
      async () => (await api('/api/v1/namespaces/default/serviceaccounts/default')).ok,
    );

    const kubectl = async (args: string[], input?: string): Promise<KubectlResult> => {
      const proc = Bun.spawn([join(bins.kubectl, 'kubectl'), `--kubeconfig=${kubeconfig}`, ...args], {
        stdin: input === undefined ? 'ignore' : new Blob([input]),
        stdout: 'pipe',
        stderr: 'pipe',
      });
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      return { code, stdout, stderr };
    };

    let nodeCount = 0;
    const addNodes = async (nodes: NodeShape[]) => {
      for (const node of nodes) {
        const ip = node.ip ?? `10.0.0.${10 + nodeCount++}`;
        const res = await api('/api/v1/nodes', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(nodeObject({ ...node, ip })),
        });
        if (!res.ok) throw new Error(`creating node ${node.name}: ${res.status} ${await res.text()}`);
      }
      for (const node of nodes) {
        await until(`node ${node.name} Ready and schedulable`, async () => {
          const res = await api(`/api/v1/nodes/${node.name}`);
          if (!res.ok) return false;
          const n = (await res.json()) as {
            spec?: { taints?: { key: string }[] };
            status?: { conditions?: { type: string; status: string }[] };
          };
          const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
          // The node lifecycle controller lifts its not-ready taint after it has seen Ready.
          const tainted = n.spec?.taints?.some((t) => t.key.startsWith('node.kubernetes.io/'));
          return ready && !tainted;
        });
      }
    };
    if (opts.nodes?.length) await addNodes(opts.nodes);

    return { kubeconfig, server, dir, pki, kubectl, api, addNodes, stop };
  } catch (err) {
    const logs = procs.map((p) => `--- ${p.name} (${p.log})\n${tail(p.log, 15)}`).join('\n');
    await stop();
    if (err instanceof Error) err.message += `\n${logs}`;
    throw err;
  }
}

/** The Node object for a simulated node: kwok manages it (annotation) and fills in its conditions. */
export function nodeObject(node: NodeShape) {
  const arch = node.arch ?? 'arm64';
  const resources = { cpu: node.cpu ?? '4', memory: node.memory ?? '24Gi', pods: node.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': arch,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': node.name,
        'node-role.kubernetes.io/worker': '',
        type: 'kwok',
        ...node.labels,
      },
    },
    spec: node.taints?.length ? { taints: node.taints } : {},
    // Nodes may carry status on create; kwok's node-initialize stage then sets conditions and addresses.
    status: {
      addresses: [
        ...(node.ip ? [{ type: 'InternalIP', address: node.ip }] : []),
        { type: 'Hostname', address: node.name },
      ],
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: arch,
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        containerRuntimeVersion: 'kwok',
        kernelVersion: '',
        osImage: '',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      phase: 'Running',
    },
  };
}
