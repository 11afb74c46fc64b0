import { expect } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitBump } from '../../ci/commit-bump.ts';
import { listServices, valuesPath } from '../../ci/layout.ts';
import { readImageTag } from '../../tag-bump/bump.ts';
import { getJson } from '../tier/kube.ts';
import { type App, healthy, synced, Watch } from './applications.ts';
import { cloneRemote, commitAndPush, git } from './git-remote.ts';
import type { ArgoTier } from './tier.ts';

/**
 * The day-2 flows of docs/release.md and docs/runbook.md against real Argo CD (minikube overlay):
 * each step is what the docs say, each check reads what Argo CD or Kubernetes recorded.
 */
// biome-ignore lint/suspicious/noExplicitAny: API objects
type Any = any;
type Log = (line: string) => void;

const ROOT = 'tasktide-root';
const FLOW_MS = 480_000;

/** CI's checkout of the tier's remote (made once; commit-bump resets it to origin/main each time). */
function ciCheckout(t: ArgoTier): string {
  const dir = join(t.dir, 'ci');
  try {
    git(dir, ['rev-parse', 'HEAD']);
  } catch {
    cloneRemote(t.remote, dir);
  }
  git(dir, ['pull', '--quiet', '--ff-only', 'origin', 'main']);
  return dir;
}

const head = (dir: string) => git(dir, ['rev-parse', 'HEAD']);

/** The workloads that run the services: Deployments, and Rollouts where the chart makes one. */
const WORKLOADS = {
  Deployment: '/apis/apps/v1/namespaces/todo-app/deployments',
  Rollout: '/apis/argoproj.io/v1alpha1/namespaces/todo-app/rollouts',
};

/** Each workload's pod template: name → its kind and first container's image. */
async function workloads(t: ArgoTier): Promise<Map<string, { kind: string; image: string }>> {
  const out = new Map<string, { kind: string; image: string }>();
  for (const [kind, path] of Object.entries(WORKLOADS)) {
    for (const w of (await getJson<{ items: Any[] }>(t.cp, path))?.items ?? []) {
      if (out.has(w.metadata.name)) throw new Error(`todo-app/${w.metadata.name} is both a Deployment and a Rollout`);
      out.set(w.metadata.name, { kind, image: w.spec.template.spec.containers[0].image });
    }
  }
  return out;
}

/** The kind of `service`'s workload (Deployment, or Rollout with rollout.enabled). */
async function workloadKind(t: ArgoTier, service: string): Promise<string> {
  const kind = (await workloads(t)).get(service)?.kind;
  if (!kind) throw new Error(`todo-app has no Deployment or Rollout ${service}`);
  return kind;
}

/** Every service's workload (Deployment or Rollout) runs `<repository>:<tag>`. */
async function expectTags(t: ArgoTier, services: string[], tag: string) {
  const now = await workloads(t);
  for (const s of services) expect(`${s} ${now.get(s)?.image}`).toEndWith(`:${tag}`);
}

/** Tells Argo CD about a push the way GitHub does (clusters/oke/README.md step 7). */
async function announce(t: ArgoTier, before: string, after: string) {
  await t.api.githubPush({ webUrl: t.remote.webUrl, branch: 'main', before, after });
}

/** Application `name` has synced to `revision` (every source) and is Synced/Healthy, the sync done. */
const syncedTo = (app: App | undefined, revision: string) =>
  !!app &&
  synced(app) &&
  healthy(app) &&
  app.status.operationState?.phase === 'Succeeded' &&
  (app.status.operationState.syncResult?.revisions ?? [app.status.operationState.syncResult?.revision]).every(
    (r: string) => r === revision,
  );

/** Hook results of the last operation: kind/name → [hookType, hookPhase, syncPhase]. */
function hookResults(
  app: App,
): Map<string, { hookType?: string; hookPhase?: string; syncPhase?: string; status?: string }> {
  const out = new Map();
  for (const r of app.status.operationState?.syncResult?.resources ?? []) out.set(`${r.kind}/${r.name}`, r);
  return out;
}

/** This release's objects for `service`: its hook Jobs (uids) and its workload's new ReplicaSet. */
interface ReleaseObjects {
  migrateJob: string;
  smokeJob: string;
  /** The ReplicaSet of the release's pod template (the workload scales it up). */
  replicaSet: string;
}

/** The objects the release made for `service`, read once its sync has Succeeded. */
async function releaseObjects(t: ArgoTier, service: string, kind: string, tag: string): Promise<ReleaseObjects> {
  const job = (name: string) => getJson<Any>(t.cp, `/apis/batch/v1/namespaces/todo-app/jobs/${name}`);
  const workload = await getJson<Any>(t.cp, `${WORKLOADS[kind as keyof typeof WORKLOADS]}/${service}`);
  const sets = await getJson<{ items: Any[] }>(t.cp, '/apis/apps/v1/namespaces/todo-app/replicasets');
  const mine = (sets?.items ?? []).filter(
    (rs) =>
      rs.metadata.ownerReferences?.some((r: Any) => r.uid === workload?.metadata.uid) &&
      rs.spec.template.spec.containers[0].image.endsWith(`:${tag}`),
  );
  expect(mine.length).toBe(1);
  return {
    migrateJob: (await job(`${service}-migrate`))?.metadata.uid,
    smokeJob: (await job(`${service}-smoke`))?.metadata.uid,
    replicaSet: mine[0].metadata.name,
  };
}

/**
 * Positions (in one watch stream) of the events proving PreSync → Sync → PostSync for `service`:
 * this release's migration Job completed, its workload (a `kind`: Deployment, or Rollout whose
 * controller also reports ScalingReplicaSet) scaled up the release's ReplicaSet, this release's
 * smoke Job created. Matched by uid and ReplicaSet name, so a late event of the previous sync
 * (the bootstrap's smoke Job, say) cannot stand in for one of the release.
 */
function hookOrder(events: Watch, from: number, service: string, kind: string, objects: ReleaseObjects) {
  const at = (match: (o: Any) => boolean) => events.events.findIndex((e) => e.seq >= from && match(e.object));
  return {
    migrationCompleted: at(
      (o) =>
        o.involvedObject?.uid === objects.migrateJob && o.reason === 'Completed' && o.involvedObject.kind === 'Job',
    ),
    workloadScaled: at(
      (o) =>
        o.involvedObject?.kind === kind &&
        o.involvedObject?.name === service &&
        o.reason === 'ScalingReplicaSet' &&
        /scaled up/i.test(o.message ?? '') &&
        (o.message ?? '').includes(objects.replicaSet),
    ),
    smokeCreated: at(
      (o) =>
        o.involvedObject?.uid === objects.smokeJob &&
        o.reason === 'SuccessfulCreate' &&
        o.involvedObject.kind === 'Job',
    ),
  };
}

export interface ReleaseState {
  before: string;
  release: string;
  bump: string;
  /** The api's hook Jobs the release left: name → uid. */
  hookJobs: Record<string, string>;
}

/** The api's hook Jobs as they are now: name → uid (a hook run replaces its Job). */
async function hookJobs(t: ArgoTier): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ['api-migrate', 'api-smoke']) {
    const job = await getJson<Any>(t.cp, `/apis/batch/v1/namespaces/todo-app/jobs/${name}`);
    out[name] = job?.metadata.uid;
  }
  return out;
}
let released: ReleaseState | undefined;

export async function releaseFlow(t: ArgoTier, log: Log) {
  const ci = ciCheckout(t);
  const services = listServices(ci);
  const before = readImageTag(readFileSync(join(ci, valuesPath('minikube', 'api')), 'utf8'))!;
  await expectTags(t, services, before);

  // A push to main (the code CI tests and Release builds); its SHA becomes every image tag.
  const start = head(ci);
  git(ci, ['commit', '--quiet', '--allow-empty', '-m', 'A change to release (cluster tier)']);
  git(ci, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
  const release = head(ci);

  const events = new Watch(t.cp, '/api/v1/namespaces/todo-app/events');
  try {
    await events.listed;
    const from = events.events.length;
    // release.yml deploy-minikube: `bun scripts/ci/commit-bump.ts --overlay minikube --tag $SHA --all
    // --forward-only --message "Deploy $SHA to minikube [skip ci]"` in CI's checkout.
    const lines: string[] = [];
    const result = await commitBump({
      root: ci,
      overlay: 'minikube',
      tag: release,
      services,
      forwardOnly: true,
      message: `Deploy ${release} to minikube [skip ci]`,
      log: (l) => lines.push(l),
    });
    log(`commit-bump:\n  ${lines.join('\n  ')}`);
    expect(result.commit).toBeTruthy();
    await announce(t, start, result.commit!);
    await t.apps.until(
      `every service synced to ${result.commit}`,
      (apps) => services.every((s) => syncedTo(apps.get(s), result.commit!)),
      FLOW_MS,
    );
    await expectTags(t, services, release);
    const job = await getJson<Any>(t.cp, '/apis/batch/v1/namespaces/todo-app/jobs/api-migrate');
    expect(job.spec.template.spec.containers[0].image).toEndWith(`:${release}`);

    const kind = await workloadKind(t, 'api');
    const hooks = hookResults(t.apps.apps.get('api'));
    expect(hooks.get('Job/api-migrate')).toMatchObject({ hookType: 'PreSync', hookPhase: 'Succeeded' });
    expect(hooks.get(`${kind}/api`)).toMatchObject({ syncPhase: 'Sync', status: 'Synced' });
    expect(hooks.get('Job/api-smoke')).toMatchObject({ hookType: 'PostSync', hookPhase: 'Succeeded' });
    const objects = await releaseObjects(t, 'api', kind, release);
    log(`api release objects: ${JSON.stringify(objects)}`);
    await events.until(
      'the smoke Job created',
      () => hookOrder(events, from, 'api', kind, objects).smokeCreated >= 0,
      60_000,
    );
    const order = hookOrder(events, from, 'api', kind, objects);
    log(`api (${kind}) hook order in the event stream: ${JSON.stringify(order)}`);
    expect(order.migrationCompleted).toBeGreaterThanOrEqual(0);
    expect(order.migrationCompleted).toBeLessThan(order.workloadScaled);
    expect(order.workloadScaled).toBeLessThan(order.smokeCreated);
    const jobs = await hookJobs(t);
    expect(Object.values(jobs).every(Boolean)).toBe(true);
    released = { before, release, bump: result.commit!, hookJobs: jobs };
  } finally {
    await events.stop();
  }
}

export async function rollbackFlow(t: ArgoTier, log: Log) {
  if (!released) throw new Error('needs the release flow first');
  const { before, release, bump } = released;
  // Runbook step 2 comes first for a reason: Argo CD refuses a rollback while auto-sync is on.
  const first = await t.api.app('api');
  const previous = first.status.history.at(-2);
  await expect(t.api.rollback('api', previous.id)).rejects.toThrow(/auto-sync is enabled/);

  await t.api.setAutoSync('api', false); // App Details → Sync Policy → Disable Auto-Sync
  const app = await t.api.app('api');
  expect(app.spec.syncPolicy.automated.enabled).toBe(false);
  const entry = app.status.history.at(-2);
  log(
    `history: ${app.status.history.map((h: Any) => `${h.id}:${(h.revisions ?? [h.revision])[0].slice(0, 8)}`).join(' ')}`,
  );
  expect(entry.revisions ?? [entry.revision]).not.toContain(bump);
  const requested = Math.floor(Date.now() / 1000) * 1000; // startedAt is to the second
  await t.api.rollback('api', entry.id); // History and Rollback → Rollback
  const target = entry.revisions ?? [entry.revision];

  await t.apps.until(
    'api rolled back',
    (apps) => {
      const op = apps.get('api')?.status?.operationState;
      return (
        op?.phase === 'Succeeded' &&
        op.operation?.initiatedBy?.username === 'admin' &&
        Date.parse(op.startedAt) >= requested &&
        (op.operation.sync?.revisions ?? [op.operation.sync?.revision]).join() === target.join() &&
        healthy(apps.get('api'))
      );
    },
    FLOW_MS,
  );
  const rolled = t.apps.apps.get('api');
  expect(rolled.status.sync.status).toBe('OutOfSync'); // git still says the release
  await expectTags(t, ['api'], before);
  const op = rolled.status.operationState;
  const hooks = hookResults(rolled);
  log(
    `rollback operation: ${op.phase} "${op.message}", ${op.startedAt} → ${op.finishedAt}, strategy ${JSON.stringify(
      op.operation.sync.syncStrategy,
    )}; results: ${[...hooks].map(([k, r]) => `${k} ${r.hookType ?? r.syncPhase} ${r.status ?? r.hookPhase}`).join(', ')}`,
  );
  // Argo CD runs a rollback as an `apply` sync (server/application/application.go Rollback), and an
  // apply sync skips hooks (controller/sync.go: WithOperationSettings(…, skipHooks =
  // IsApplyStrategy())): the workload goes back to the old image, no PreSync migration runs and no
  // PostSync smoke test (docs/runbook.md "Rollback" says so).
  expect(op.operation.sync.syncStrategy?.apply).toBeDefined();
  const kind = await workloadKind(t, 'api');
  expect(hooks.get(`${kind}/api`)).toMatchObject({ syncPhase: 'Sync', status: 'Synced' });
  expect([...hooks].filter(([, r]) => r.hookType).map(([k]) => k)).toEqual([]);
  // The release's hook Jobs are left as they were (a hook run would have replaced them:
  // BeforeHookCreation), and the migration last ran the release's image.
  expect(await hookJobs(t)).toEqual(released.hookJobs);
  const migrate = await getJson<Any>(t.cp, '/apis/batch/v1/namespaces/todo-app/jobs/api-migrate');
  expect(migrate.spec.template.spec.containers[0].image).toEndWith(`:${release}`);
  log(`api rolled back to history ${entry.id}: image tag ${before}`);

  // Nothing turns auto-sync back on: the root re-reads git and the ApplicationSet reconciles.
  await t.api.refresh(ROOT); // the UI's Refresh: sets the refresh annotation the controller clears
  await setRefreshAnnotation(t);
  await t.apps.until(
    'the root refreshed after the rollback',
    (apps) => !apps.get(ROOT)?.metadata.annotations?.['argocd.argoproj.io/refresh'] && synced(apps.get(ROOT)),
    120_000,
  );
  await waitAppSetReconciled(t);
  expect((await t.api.app('api')).spec.syncPolicy.automated.enabled).toBe(false);
  await expectTags(t, ['api'], before);

  // Runbook step 4: follow with `git revert` of the bump (durable), then re-enable auto-sync.
  const ci = ciCheckout(t);
  const start = head(ci);
  git(ci, ['revert', '--no-edit', bump]);
  git(ci, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
  const revert = head(ci);
  await announce(t, start, revert);
  const services = listServices(ci).filter((s) => s !== 'api');
  await t.apps.until(
    'the revert synced (api by comparison, the others by auto-sync)',
    (apps) =>
      services.every((s) => syncedTo(apps.get(s), revert)) &&
      synced(apps.get('api')) &&
      (apps.get('api')?.status?.sync?.revisions ?? []).every((r: string) => r === revert),
    FLOW_MS,
  );
  await t.api.setAutoSync('api', true);
  await t.apps.until(
    'api Synced/Healthy with auto-sync on',
    (apps) =>
      apps.get('api')?.spec?.syncPolicy?.automated?.enabled === true &&
      synced(apps.get('api')) &&
      healthy(apps.get('api')),
    120_000,
  );
  await expectTags(t, [...services, 'api'], before);
  log(`reverted ${bump.slice(0, 8)} (${release.slice(0, 8)} → ${before.slice(0, 8)}); auto-sync on again`);
}

/** Asks the ApplicationSet controller to reconcile now (its documented refresh annotation). */
async function setRefreshAnnotation(t: ArgoTier) {
  const res = await t.cp.api('/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets/services', {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ metadata: { annotations: { 'argocd.argoproj.io/application-set-refresh': 'true' } } }),
  });
  if (!res.ok) throw new Error(`refresh ApplicationSet: ${res.status} ${await res.text()}`);
}

/** The controller removes the refresh annotation once it has reconciled the set. */
async function waitAppSetReconciled(t: ArgoTier) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const set = await getJson<Any>(t.cp, '/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets/services');
    if (!set.metadata.annotations?.['argocd.argoproj.io/application-set-refresh']) return;
    if (Date.now() > deadline) throw new Error('the ApplicationSet controller did not reconcile services');
    await Bun.sleep(250);
  }
}

const OPTION = 'ApplyOutOfSyncOnly=true';

/** Adds a syncOption to the services template and to every platform Application, in git. */
function addSyncOption(ci: string) {
  const edit = (file: string, anchor: string, insert: string) => {
    const path = join(ci, file);
    const text = readFileSync(path, 'utf8');
    if (text.split(anchor).length !== 2) throw new Error(`${file}: expected "${anchor.trim()}" exactly once`);
    writeFileSync(path, text.replace(anchor, `${anchor}${insert}`));
  };
  edit(
    'gitops/apps/templates/services-applicationset.yaml',
    '          selfHeal: true\n',
    `        syncOptions:\n          - ${OPTION}\n`,
  );
  edit('gitops/apps/templates/platform-applications.yaml', '      - PruneLast=true\n', `      - ${OPTION}\n`);
}

export async function syncOptionsFlow(t: ArgoTier, log: Log) {
  // One service with auto-sync off (as during a UI rollback): it must get the change all the same.
  await t.api.setAutoSync('audit', false);
  const ci = ciCheckout(t);
  const start = head(ci);
  addSyncOption(ci);
  const commit = commitAndPush(ci, `Add ${OPTION} to every Application (cluster tier)`);
  await announce(t, start, commit);
  const has = (a: App | undefined) => (a?.spec?.syncPolicy?.syncOptions ?? []).includes(OPTION);
  await t.apps.until(
    `${OPTION} on every Application the root and the ApplicationSet make`,
    (apps) => [...apps].every(([name, a]) => name === ROOT || has(a)) && syncedTo(apps.get(ROOT), commit),
    FLOW_MS,
  );
  expect((await t.api.app('audit')).spec.syncPolicy.automated.enabled).toBe(false);
  log(`${OPTION} reached ${t.apps.apps.size - 1} Applications; audit kept auto-sync off`);
  await t.api.setAutoSync('audit', true);
}
