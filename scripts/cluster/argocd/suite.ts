import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tasktide/local-stack';
import { parse } from 'yaml';
import { getJson } from '../tier/kube.ts';
import { mergeValues } from '../tier/values.ts';
import { type App, healthy, state, synced, waveOf, waveViolations } from './applications.ts';
import { platformComponents } from './chart-repo.ts';
import { releaseFlow, rollbackFlow, syncOptionsFlow } from './flows.ts';
import { type ArgoTier, startArgoTier } from './tier.ts';

export const ROOT = 'tasktide-root';
const BOOTSTRAP_MS = 1_200_000;

/** The Applications the root should end up with on `cluster`: components left on, the services, itself. */
export function expectedApps(cluster: string, excluded: string[]): string[] {
  const read = (p: string) => parse(readFileSync(join(repoRoot, p), 'utf8')) ?? {};
  const values = mergeValues(read('gitops/apps/values.yaml'), read(`clusters/${cluster}/values/platform.yaml`));
  const components = Object.entries(mergeValues({ components: platformComponents() }, values).components as object)
    .filter(([name, c]) => (c as { enabled?: boolean }).enabled !== false && !excluded.includes(name))
    .map(([name]) => name);
  return [ROOT, ...components, ...(values.services.names as string[])].sort();
}

/**
 * Real Argo CD on the tier's control plane for one overlay (TASKTIDE_ARGOCD=1, which
 * scripts/test-all.sh sets after installing Argo CD and Redis). `operations`: also the release,
 * rollback and syncOptions flows (minikube: the overlay the release commits to directly).
 */
export function defineArgoCdTier(cluster: 'minikube' | 'oke', opts: { operations: boolean }) {
  const enabled = process.env.TASKTIDE_ARGOCD === '1';
  describe.skipIf(!enabled)(`Argo CD syncing ${cluster} on a real control plane`, () => {
    let t: ArgoTier;
    const log = (line: string) => console.log(`[argocd ${cluster}] ${line}`);

    beforeAll(async () => {
      t = await startArgoTier(cluster);
    }, BOOTSTRAP_MS);
    afterAll(async () => {
      await t?.stop();
    }, 120_000);

    test(
      'bootstrap as the README says: every Application ends Synced and Healthy, wave after wave',
      async () => {
        log(`bootstrap ran (operator checkout of ${t.remote.url}):\n  ${t.ran.join('\n  ')}`);
        const expected = expectedApps(
          cluster,
          t.charts.excluded.map((e) => e.component),
        );
        const started = Date.now();
        await t.apps.until(
          'every Application Synced/Healthy and the root sync Succeeded',
          (apps) =>
            expected.every((n) => synced(apps.get(n)) && healthy(apps.get(n))) &&
            apps.get(ROOT)?.status?.operationState?.phase === 'Succeeded',
          BOOTSTRAP_MS - 60_000,
          () => `expected: ${expected.join(', ')}`,
        );
        log(`all ${expected.length} Applications Synced/Healthy after ${Math.round((Date.now() - started) / 1000)} s`);
        expect([...t.apps.apps.keys()].sort()).toEqual(expected);

        const sets = await getJson<{ items: App[] }>(
          t.cp,
          '/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets',
        );
        const setWaves = new Map<string, number>(
          (sets?.items ?? []).map((s) => [
            s.metadata.name,
            Number(s.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0),
          ]),
        );
        const waves = new Map<string, number>();
        for (const [name, app] of t.apps.apps) if (name !== ROOT) waves.set(name, waveOf(app, setWaves));
        for (const [name, wave] of [...waves].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))) {
          log(`wave ${String(wave).padStart(3)} ${name.padEnd(22)} ${state(t.apps.apps.get(name))}`);
        }
        expect(waveViolations(t.apps.events, waves, ROOT)).toEqual([]);
      },
      BOOTSTRAP_MS,
    );

    if (opts.operations) {
      test('a release as release.yml makes it: tag bump pushed → Argo CD syncs → PreSync migration, new image, PostSync smoke', async () => {
        await releaseFlow(t, log);
      }, 600_000);

      test('rollback as docs/runbook.md says: auto-sync off, previous history entry via argocd-server, then git revert and auto-sync on', async () => {
        await rollbackFlow(t, log);
      }, 900_000);

      test('a syncOptions change in git reaches the existing Applications, auto-sync off or not', async () => {
        await syncOptionsFlow(t, log);
      }, 600_000);
    }

    test('what this tier simulates or leaves out is named', () => {
      log(`third-party charts:\n  ${t.charts.report.join('\n  ')}`);
      log(`served as real charts: ${t.charts.real.join(', ')}; as CRD stand-ins: ${t.charts.standIn.join(', ')}`);
      for (const e of t.charts.excluded) log(`EXCLUDED (no chart obtainable): ${e.component} — ${e.why}`);
      for (const s of t.tierSettings) log(`tier-only setting: ${s}`);
      for (const [kind, names] of t.operators.simulated()) {
        log(`simulated status (operator not run): ${kind} × ${names.size}`);
      }
      log(
        'simulated: nodes and pods (kwok: no container runs, no image is pulled), volumes (stand-in provisioner); ' +
          "Argo CD's dex, notifications and commit server are not run; Argo Rollouts' controller is not run " +
          "(a stand-in, tier/rollouts.ts, makes each Rollout's ReplicaSets and status; no canary steps or analysis); " +
          "the Dapr injector's webhook is excluded " +
          'with the others, so pods here carry no daprd (the GitOps tier proves injection and admission)',
      );
      expect(t.charts.real.length + t.charts.standIn.length).toBeGreaterThan(0);
    });
  });
}
