import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '@tasktide/local-stack';
import { kubeBinaries } from '../binaries.ts';
import { type ControlPlane, startControlPlane } from '../control-plane.ts';
import { getJson } from '../tier/kube.ts';
import { reserveSystemCapacity } from '../tier/reserved.ts';
import { SHAPES } from '../tier/shapes.ts';
import { createStorageClass, type Provisioner, startProvisioner } from '../tier/storage.ts';
import { ArgoApi } from './api.ts';
import { Watch } from './applications.ts';
import { bootstrap } from './bootstrap.ts';
import { type ChartRepo, startChartRepo } from './chart-repo.ts';
import { cloneRemote, type GitRemote, startGitRemote } from './git-remote.ts';
import { type Operators, startOperatorStandIns } from './operators.ts';
import { type ArgoCd, initialAdminPassword, startArgoCd } from './processes.ts';

/**
 * One Argo CD tier for one overlay: the control plane shaped like the cluster, the git remote and
 * chart repository on 127.0.0.1, the bootstrap as the README says, then Argo CD's own processes —
 * everything tied to the test process and stopped by `stop()`.
 */
export interface ArgoTier {
  cluster: 'minikube' | 'oke';
  dir: string;
  cp: ControlPlane;
  remote: GitRemote;
  charts: ChartRepo;
  argocd: ArgoCd;
  api: ArgoApi;
  apps: Watch;
  operators: Operators;
  /** What the bootstrap ran (script or README lines). */
  ran: string[];
  /** Settings the tier adds on top of git (test-only), printed by the suite. */
  tierSettings: string[];
  stop(): Promise<void>;
}

export async function argocdDir(): Promise<string> {
  return process.env.TASKTIDE_ARGOCD_BIN || (await runScript('scripts/platform/argocd/install.sh'));
}

/** The Argo CD version the tier builds (scripts/platform/argocd/lib.sh). */
export async function argocdVersion(): Promise<string> {
  const lib = await Bun.file(join(import.meta.dir, '../../platform/argocd/lib.sh')).text();
  const version = lib.match(/^ARGOCD_VERSION="([^"]+)"/m)?.[1];
  if (!version) throw new Error('scripts/platform/argocd/lib.sh: no ARGOCD_VERSION');
  return version;
}

/**
 * Admission webhooks whose servers do not run in the tier (cert-manager's, External Secrets', Dapr's
 * injector) would refuse every object they guard once registered (failurePolicy Fail, a Service with
 * no process behind it). So the tier's Argo CD leaves webhook configurations out of discovery and
 * sync (resource.exclusions, appended to the pinned defaults): a tier-only setting, never in git.
 */
const WEBHOOK_EXCLUSION = `- apiGroups: [admissionregistration.k8s.io]
  kinds: [MutatingWebhookConfiguration, ValidatingWebhookConfiguration]
  clusters: ['*']
`;

/**
 * Argo CD 3.6 misses a CRD turning Established (argoproj/argo-cd#25084 and kin): an Application whose
 * CRDs were just created stays Progressing until its next periodic refresh, and the root's next
 * wave waits with it. With our 180 s that is up to ~6 minutes per such wave (the informer resync
 * and the expiry are both 180 s) — measured in this tier, and documented in the READMEs. The tier
 * refreshes every 30 s so a run takes minutes, not half an hour; nothing else depends on it (pushes
 * reach Argo CD through the webhook).
 */
const TIER_RECONCILIATION = { 'timeout.reconciliation': '30s', 'timeout.reconciliation.jitter': '5s' };

async function tierSettings(cp: ControlPlane) {
  const cm = await getJson<{ data?: Record<string, string> }>(cp, '/api/v1/namespaces/argocd/configmaps/argocd-cm');
  const current = cm?.data?.['resource.exclusions'] ?? '';
  const data = { 'resource.exclusions': `${current.trimEnd()}\n${WEBHOOK_EXCLUSION}`, ...TIER_RECONCILIATION };
  const res = await cp.api('/api/v1/namespaces/argocd/configmaps/argocd-cm', {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ data }),
  });
  if (!res.ok) throw new Error(`argocd-cm: ${res.status} ${await res.text()}`);
}

export async function startArgoTier(cluster: 'minikube' | 'oke'): Promise<ArgoTier> {
  const shape = SHAPES[cluster];
  const dir = mkdtempSync(join(tmpdir(), `tasktide-argocd-${cluster}-`));
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    // TASKTIDE_KEEP_TIER=1 keeps the logs (Argo CD, control plane, git server) for a post-mortem.
    if (process.env.TASKTIDE_KEEP_TIER === '1') console.log(`[argocd ${cluster}] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One build at a time (two cores): the control plane's tools first, then Argo CD and Redis.
    const kube = await kubeBinaries();
    const argocd = await argocdDir();
    const redis = process.env.TASKTIDE_REDIS_BIN || (await runScript('scripts/platform/install-redis.sh'));
    const version = await argocdVersion();

    // The HPA controller is left off: with no metrics API it reports FailedGetResourceMetric, which
    // Argo CD counts as Degraded; operators.ts stands in for it and a metrics-server together.
    const cp = await startControlPlane({
      dir: join(dir, 'cp'),
      nodes: shape.nodes,
      disabledControllers: ['horizontal-pod-autoscaler-controller'],
    });
    cleanups.push(() => cp.stop());
    await createStorageClass(cp, shape);
    const provisioner: Provisioner = startProvisioner(cp, shape);
    cleanups.push(() => provisioner.stop());
    await reserveSystemCapacity(cp, shape);
    const node = await getJson<{ status: { addresses: { type: string; address: string }[] } }>(
      cp,
      `/api/v1/nodes/${shape.nodes[0]!.name}`,
    );
    const address = node?.status.addresses.find((a) => a.type === 'InternalIP')?.address;
    if (!address) throw new Error(`node ${shape.nodes[0]?.name} has no InternalIP`);
    const operators = startOperatorStandIns(cp, address);
    cleanups.push(() => operators.stop());

    const remote = await startGitRemote(dir);
    cleanups.push(() => remote.stop());
    const charts = await startChartRepo(dir, cluster);
    cleanups.push(() => charts.stop());

    const operator = join(dir, 'operator');
    cloneRemote(remote, operator);
    const { ran } = await bootstrap(cluster, operator, remote, charts, {
      cp,
      kubectlBin: kube.kubectl,
      argocdVersion: version,
      installYaml: join(argocd, 'manifests/install.yaml'),
    });
    await tierSettings(cp);

    const apps = new Watch(cp);
    cleanups.push(() => apps.stop());
    const argo = await startArgoCd(cp, { argocd, redis, helm: kube.kubectl }, join(dir, 'argocd'));
    cleanups.push(() => argo.stop());
    const api = new ArgoApi(argo.server);
    await api.login('admin', await initialAdminPassword(cp));
    return {
      cluster,
      dir,
      cp,
      remote,
      charts,
      argocd: argo,
      api,
      apps,
      operators,
      ran,
      tierSettings: [
        'argocd-cm resource.exclusions += admission webhook configurations (their servers do not run here)',
        `argocd-cm ${JSON.stringify(TIER_RECONCILIATION)} instead of git's 180s (Argo CD misses CRDs turning Established until a periodic refresh)`,
        `root-application.yaml (operator checkout only): repoURL ${remote.url}, charts from ${charts.url}${
          charts.excluded.length ? `, components disabled: ${charts.excluded.map((e) => e.component).join(', ')}` : ''
        }`,
      ],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
