import { waitFor } from '@tasktide/local-stack';
import type { ControlPlane } from '../control-plane.ts';
import { type AppPlan, objectsOf } from './desired.ts';
import { waitHealthy } from './health.ts';
import type { RenderEnv } from './helm.ts';
import { type Injector, pointWebhookAt, startInjector } from './injector.ts';
import { type ApplyMode, apply, Discovery, getJson } from './kube.ts';
import { type Obj, ref } from './objects.ts';
import { syncSteps } from './phases.ts';
import { standIns } from './standins.ts';

/**
 * Argo CD's sync of one Application against the tier's control plane: destination namespace (or
 * CreateNamespace), then phase by phase and wave by wave in kind order, applied client-side or
 * server-side as the Application's syncOptions say, CRDs Established before what uses them, and
 * each wave healthy before the next. Admission webhooks of operators the tier does not run are
 * validated by a server-side dry run and not stored (the API server would call a Service with no
 * process behind it); the Dapr injector's is served by Dapr's own code (injector.ts).
 */
export interface Tier {
  cp: ControlPlane;
  disc: Discovery;
  logDir: string;
  injector?: Injector;
  /** What the tier did not simulate, with the reason: printed at the end of a run. */
  notes: string[];
}

export async function newTier(cp: ControlPlane, logDir: string): Promise<Tier> {
  const disc = new Discovery(cp);
  await disc.refresh();
  return { cp, disc, logDir, notes: [] };
}

export async function renderEnv(tier: Tier): Promise<RenderEnv> {
  const version = await getJson<{ gitVersion: string }>(tier.cp, '/version');
  return { kubeVersion: version!.gitVersion, apiVersions: tier.disc.apiVersions() };
}

const WEBHOOKS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService']);

export interface SyncResult {
  app: string;
  mode: ApplyMode;
  applied: number;
  hooks: number;
  skipped: string[];
  standIns: string[];
}

async function ensureNamespace(tier: Tier, plan: AppPlan, who: string) {
  if (await getJson(tier.cp, `/api/v1/namespaces/${plan.namespace}`)) return;
  if (!plan.createNamespace) {
    throw new Error(`${who}: destination namespace ${plan.namespace} does not exist and CreateNamespace is not set`);
  }
  await apply(tier.cp, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: plan.namespace } }], 'server-side', {
    who,
  });
}

/** Namespaced objects without a namespace go to the destination, as Argo CD does. */
async function placeInNamespace(tier: Tier, objects: Obj[], ns: string, who: string) {
  for (const o of objects) {
    let kind = tier.disc.find(o);
    if (!kind) {
      await tier.disc.refresh();
      kind = tier.disc.find(o);
    }
    if (!kind) {
      throw new Error(
        `${who}: ${ref(o)}: the API server has no ${o.apiVersion} ${o.kind} (no earlier wave installs its CRD)`,
      );
    }
    if (kind.namespaced && !o.metadata.namespace) o.metadata.namespace = ns;
  }
}

async function applyBatch(tier: Tier, namespace: string, objects: Obj[], mode: ApplyMode, who: string) {
  await placeInNamespace(tier, objects, namespace, who);
  const stored: Obj[] = [];
  for (const o of objects) {
    if (!WEBHOOKS.has(o.kind)) {
      stored.push(o);
    } else if (
      o.kind === 'MutatingWebhookConfiguration' &&
      o.metadata.name === 'dapr-sidecar-injector' &&
      tier.injector
    ) {
      stored.push(pointWebhookAt(o, tier.injector));
    } else {
      await apply(tier.cp, [o], mode, { who, dryRun: true });
      tier.notes.push(`${who}: ${ref(o)} validated (server dry run), not stored: its server does not run in the tier`);
    }
  }
  await apply(tier.cp, stored, mode, { who });
  const crds = stored.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
  if (crds.length) {
    await waitFor(`${who}: CRDs Established`, async () => {
      for (const name of crds) {
        const crd = await getJson<Obj>(tier.cp, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        const established = crd?.status?.conditions?.some(
          (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
        );
        if (!established) return false;
      }
      return true;
    });
    // Established is not yet served: the API server publishes a new resource in discovery a moment
    // later (longer on a busy machine), and the next batch's kinds are looked up there.
    const kinds = stored
      .filter((o) => o.kind === 'CustomResourceDefinition')
      .flatMap((crd) =>
        (crd.spec?.versions ?? [])
          .filter((v: { served?: boolean }) => v.served !== false)
          .map((v: { name: string }) => ({
            apiVersion: `${crd.spec.group}/${v.name}`,
            kind: crd.spec.names.kind,
            metadata: { name: 'discovery-probe' },
          })),
      ) as Obj[];
    await waitFor(`${who}: new CRDs served in discovery`, async () => {
      await tier.disc.refresh();
      return kinds.every((k) => tier.disc.find(k));
    });
  }
}

/** Syncs one Application; throws with a message naming the Application and the resource. */
export async function syncApp(tier: Tier, plan: AppPlan, env?: RenderEnv): Promise<SyncResult> {
  const who = `Application ${plan.name}`;
  const mode: ApplyMode = plan.serverSideApply ? 'server-side' : 'client-side';
  await ensureNamespace(tier, plan, who);
  const rendered = await objectsOf(plan, env ?? (await renderEnv(tier)));
  const extra = standIns(plan);
  const { steps, skipped } = syncSteps([...rendered, ...extra]);
  // Dapr: the injector starts with the chart's configuration before its webhook is stored.
  const injectorDeployment = rendered.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'dapr-sidecar-injector',
  );
  if (injectorDeployment) {
    injectorDeployment.metadata.namespace ??= plan.namespace;
    await tier.injector?.stop();
    tier.injector = await startInjector(tier.cp, injectorDeployment, tier.logDir);
  }
  let hooks = 0;
  for (const step of steps) {
    const stepWho = `${who} (${step.phase}, wave ${step.wave})`;
    const objects = step.objects.map((o) => o.object);
    hooks += step.objects.filter((o) => o.hook).length;
    // Kind by kind, so CRDs are Established and discovered before the resources that use them.
    for (let i = 0; i < objects.length; ) {
      let j = i;
      while (j < objects.length && objects[j]!.kind === objects[i]!.kind) j++;
      await applyBatch(tier, plan.namespace, objects.slice(i, j), mode, stepWho);
      i = j;
    }
    await waitHealthy(tier.cp, tier.disc, objects, { who: stepWho });
  }
  return {
    app: plan.name,
    mode,
    applied: rendered.length + extra.length - skipped.length,
    hooks,
    skipped: skipped.map(ref),
    standIns: extra.map(ref),
  };
}

/** Argo CD itself as the bootstrap installs it: CRDs (server-side), settings, root, children. */
export async function installArgoCd(tier: Tier, crds: Obj[], objects: Obj[]) {
  const who = 'Argo CD bootstrap';
  await apply(tier.cp, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } }], 'server-side', { who });
  await applyBatch(tier, 'argocd', crds, 'server-side', who);
  const { steps } = syncSteps(objects);
  for (const step of steps) {
    const objs = step.objects.map((o) => o.object);
    await applyBatch(tier, 'argocd', objs, 'client-side', who);
  }
}
