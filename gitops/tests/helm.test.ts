// Offline tier: helm lint --strict and helm template of the service chart for every service ×
// cluster and of the app-of-apps chart per cluster (helm 3.17 from scripts/platform/install-helm.sh).
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { YAML } from './lib/deps.ts';
import { tempFile } from './lib/fixtures.ts';
import { lintStrict, template } from './lib/helm.ts';
import { renderApps, renderServices, serviceChart, serviceValueFiles } from './lib/render.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

describe('service chart', () => {
  test('helm lint --strict passes for every service × cluster', async () => {
    const rendered = await renderServices();
    expect(rendered).toHaveLength(10);
    for (const r of rendered)
      expect({ target: `${r.service}@${r.cluster}`, ok: r.lint.ok, out: r.lint.ok ? '' : r.lint.stdout }).toEqual({
        target: `${r.service}@${r.cluster}`,
        ok: true,
        out: '',
      });
  });

  test('every service renders its workload, Service, PDB, NetworkPolicy and ServiceMonitor', async () => {
    for (const r of await renderServices()) {
      const kinds = new Set(r.objects.map(({ object }) => object.kind));
      // The api's workload is a Rollout (rollout.enabled, gitops/tests/delivery.test.ts).
      for (const kind of [
        r.service === 'api' ? 'Rollout' : 'Deployment',
        'Service',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'ServiceMonitor',
        'ConfigMap',
      ]) {
        expect({ target: `${r.service}@${r.cluster}`, kind, present: kinds.has(kind) }).toEqual({
          target: `${r.service}@${r.cluster}`,
          kind,
          present: true,
        });
      }
    }
  });

  const overlay = (values: unknown) => tempFile('overlay.yaml', YAML.stringify(values));
  const brokenValues: [string, unknown, RegExp][] = [
    ['tag latest', { image: { tag: 'latest' } }, /image\.tag|pattern/],
    ['short SHA', { image: { tag: 'abc1234' } }, /pattern/],
    ['unknown key (typo)', { autoscalling: { minReplicas: 1 } }, /autoscalling|additional/i],
    ['replicas beyond the free tier', { autoscaling: { maxReplicas: 10 } }, /maximum|maxReplicas/],
    ['ingress without host', { ingress: { enabled: true, host: '' } }, /ingress\.host/],
  ];
  test.each(brokenValues)('values.schema.json rejects a broken overlay: %s', async (_name, values, message) => {
    const files = [...serviceValueFiles('recurrence', 'minikube'), overlay(values)];
    const lint = await lintStrict(serviceChart, files);
    expect(lint.ok).toBe(false);
    expect(lint.stdout + lint.stderr).toMatch(message);
  });

  test('a migration without an entrypoint fails to render', async () => {
    const files = [
      ...serviceValueFiles('realtime', 'minikube'),
      overlay({ migration: { enabled: true, entrypoint: '' } }),
    ];
    const out = await template('realtime', serviceChart, 'todo-app', files);
    expect(out.ok).toBe(false);
    expect(out.stderr).toContain('migration.entrypoint is required');
  });
});

describe('app-of-apps chart', () => {
  test('helm lint --strict passes for every cluster', async () => {
    for (const r of await renderApps())
      expect({ cluster: r.cluster, ok: r.lint.ok }).toEqual({ cluster: r.cluster, ok: true });
  });

  test('an unknown cluster name fails to render', async () => {
    const out = await template('root', 'gitops/apps', 'argocd', [tempFile('p.yaml', 'cluster: staging\n')]);
    expect(out.ok).toBe(false);
    expect(out.stderr).toContain('unknown cluster "staging"');
  });
});
