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

async function images(t: ArgoTier): Promise<Record<string, string>> {
  const list = await getJson<{ items: Any[] }>(t.cp, '/apis/apps/v1/namespaces/todo-app/deployments');
  return Object.fromEntries(
    (list?.items ?? []).map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image as string]),
  );
}

/** Every service's Deployment runs `<repository>:<tag>`. */
async function expectTags(t: ArgoTier, services: string[], tag: string) {
  const now = await images(t);
  for (const s of services) expect(`${s} ${now[s]}`).toEndWith(`:${tag}`);
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
function hookResults(app: App): Map<string, { hookType?: string; hookPhase?: string; syncPhase?: string }> {
  const out = new Map();
  for (const r of app.status.operationState?.syncResult?.resources ?? []) out.set(`${r.kind}/${r.name}`, r);
  return out;
}

/** Positions (in one watch stream) of the events proving PreSync → Sync → PostSync for `service`. */
function hookOrder(events: Watch, from: number, service: string) {
  const at = (kind: string, name: string, reason: string) =>
    events.events.findIndex(
      (e) =>
        e.seq >= from &&
        e.object.involvedObject?.kind === kind &&
        e.object.involvedObject?.name === name &&
        e.object.reason === reason,
    );
  return {
    migrationCompleted: at('Job', `${service}-migrate`, 'Completed'),
    deploymentScaled: at('Deployment', service, 'ScalingReplicaSet'),
    smokeCreated: at('Job', `${service}-smoke`, 'SuccessfulCreate'),
  };
}

export interface ReleaseState {
  before: string;
  release: string;
  bump: string;
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

    const hooks = hookResults(t.apps.apps.get('api'));
    expect(hooks.get('Job/api-migrate')).toMatchObject({ hookType: 'PreSync', hookPhase: 'Succeeded' });
    expect(hooks.get('Deployment/api')).toMatchObject({ syncPhase: 'Sync', status: 'Synced' });
    expect(hooks.get('Job/api-smoke')).toMatchObject({ hookType: 'PostSync', hookPhase: 'Succeeded' });
    await events.until('the smoke Job created', () => hookOrder(events, from, 'api').smokeCreated >= 0, 60_000);
    const order = hookOrder(events, from, 'api');
    log(`api hook order in the event stream: ${JSON.stringify(order)}`);
    expect(order.migrationCompleted).toBeGreaterThanOrEqual(0);
    expect(order.migrationCompleted).toBeLessThan(order.deploymentScaled);
    expect(order.deploymentScaled).toBeLessThan(order.smokeCreated);
    released = { before, release, bump: result.commit! };
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
  await t.api.rollback('api', entry.id); // History and Rollback → Rollback

  await t.apps.until(
    'api rolled back',
    (apps) => {
      const op = apps.get('api')?.status?.operationState;
      return op?.phase === 'Succeeded' && op.operation?.initiatedBy?.username === 'admin' && healthy(apps.get('api'));
    },
    FLOW_MS,
  );
  const rolled = t.apps.apps.get('api');
  expect(rolled.status.sync.status).toBe('OutOfSync'); // git still says the release
  await expectTags(t, ['api'], before);
  const hooks = hookResults(rolled);
  expect(hooks.get('Job/api-migrate')).toMatchObject({ hookType: 'PreSync', hookPhase: 'Succeeded' });
  expect(hooks.get('Job/api-smoke')).toMatchObject({ hookType: 'PostSync', hookPhase: 'Succeeded' });
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
