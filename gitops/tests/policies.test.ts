// Offline tier: policies over everything that would reach a cluster — probes, requests and limits,
// non-root and read-only root FS, no `latest`, Dapr annotations, zero-downtime rollouts, namespace
// guards, and no Secret with data anywhere in git. Each policy also fails a broken fixture.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './lib/deps.ts';
import { broken, type Loose } from './lib/fixtures.ts';
import { handWrittenManifests, isYaml, type Located, parseDocuments, walk } from './lib/manifests.ts';
import { allPolicies } from './lib/policies.ts';
import { renderDashboards, renderServices } from './lib/render.ts';

// The first test to render waits for helm to install (cold cache: ~15 s) and the renders.
setDefaultTimeout(60_000);

const everything = async (): Promise<Located[]> => [
  ...handWrittenManifests(),
  ...(await renderServices()).flatMap((r) => r.objects),
  ...(await renderDashboards()).objects,
];

/** Every YAML document in the repository outside node_modules, parsed where it parses. */
function allRepoYaml(): Located[] {
  return walk(repoRoot, isYaml)
    .filter((path) => !path.includes('/templates/'))
    .flatMap((path) => {
      try {
        return parseDocuments(readFileSync(path, 'utf8'), relative(repoRoot, path));
      } catch {
        return []; // yamllint reports unparsable files
      }
    });
}

describe('policies hold for the whole repository', () => {
  test.each(Object.keys(allPolicies))('%s', async (policy) => {
    const items = policy === 'noSecretData' ? [...allRepoYaml(), ...(await everything())] : await everything();
    expect(allPolicies[policy as keyof typeof allPolicies](items)).toEqual([]);
  });
});

describe('each policy catches a broken fixture', () => {
  const rendered = async (kind: string) => {
    const hit = (await renderServices()).flatMap((r) => r.objects).find(({ object }) => object.kind === kind);
    return hit!;
  };
  const deployment = () => rendered('Deployment');
  const container = (o: Loose) => o.spec.template.spec.containers[0];
  const cases: [keyof typeof allPolicies, (d: Located) => Located[], RegExp][] = [
    ['probes', (d) => [broken(d, (o) => delete container(o).readinessProbe)], /no readinessProbe/],
    ['resources', (d) => [broken(d, (o) => delete container(o).resources.limits)], /no limits\.memory/],
    [
      'hardening',
      (d) => [
        broken(d, (o) => {
          container(o).securityContext.readOnlyRootFilesystem = false;
        }),
      ],
      /root filesystem is writable/,
    ],
    [
      'hardening',
      (d) => [
        broken(d, (o) => {
          delete container(o).securityContext.runAsNonRoot;
          delete o.spec.template.spec.securityContext.runAsNonRoot;
        }),
      ],
      /may run as root/,
    ],
    [
      'imageTags',
      (d) => [
        broken(d, (o) => {
          container(o).image = 'ghcr.io/tasktide/api:latest';
        }),
      ],
      /uses latest/,
    ],
    [
      'imageTags',
      (d) => [
        broken(d, (o) => {
          container(o).image = 'ghcr.io/tasktide/api:v1.2.3';
        }),
      ],
      /not pinned to a commit SHA/,
    ],
    [
      'daprAnnotations',
      (d) => [broken(d, (o) => delete o.spec.template.metadata.annotations['dapr.io/app-port'])],
      /dapr\.io\/app-port/,
    ],
    [
      'rollouts',
      (d) => [
        broken(d, (o) => {
          o.spec.strategy.rollingUpdate.maxUnavailable = 1;
        }),
      ],
      /maxUnavailable is not 0/,
    ],
  ];
  test.each(cases)('%s', async (policy, makeFixtures, expected) => {
    const violations = allPolicies[policy](makeFixtures(await deployment()));
    expect(violations.join('\n')).toMatch(expected);
  });

  test('rollouts: the api Rollout with a canary that may take pods away', async () => {
    const rollout = broken(await rendered('Rollout'), (o) => {
      o.spec.strategy.canary.maxUnavailable = 1;
    });
    expect(allPolicies.rollouts([rollout]).join('\n')).toMatch(/Rollout\/api maxUnavailable is not 0/);
  });

  test('resources and hardening reach the Jobs an AnalysisTemplate runs', async () => {
    const template = broken(await rendered('AnalysisTemplate'), (o) => {
      const job = o.spec.metrics.find((m: Loose) => m.provider.job).provider.job.spec.template.spec;
      delete job.containers[0].resources.limits;
      job.containers[0].securityContext.allowPrivilegeEscalation = true;
    });
    expect(allPolicies.resources([template]).join('\n')).toMatch(
      /AnalysisTemplate\/api-canary container smoke: no limits/,
    );
    expect(allPolicies.hardening([template]).join('\n')).toMatch(/allows privilege escalation/);
    expect(allPolicies.probes([template])).toEqual([]);
  });

  test('namespaceGuards: a namespace without its default-deny policy', () => {
    const manifests = handWrittenManifests().filter(
      ({ object }) =>
        !(
          object.kind === 'NetworkPolicy' &&
          object.metadata.name === 'default-deny' &&
          object.metadata.namespace === 'kafka'
        ),
    );
    expect(allPolicies.namespaceGuards(manifests)).toEqual([
      expect.stringContaining('namespace kafka has no default-deny NetworkPolicy'),
    ]);
  });

  test('namespaceGuards: a namespace without quota or limit range', () => {
    const manifests = handWrittenManifests().filter(
      ({ object }) =>
        !(['ResourceQuota', 'LimitRange'].includes(object.kind) && object.metadata.namespace === 'monitoring'),
    );
    expect(allPolicies.namespaceGuards(manifests)).toHaveLength(2);
  });

  test('noSecretData: a committed Secret with data', () => {
    const secret = parseDocuments(
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\ndata:\n  password: aHVudGVyMg==\n',
      'fixture.yaml',
    );
    expect(allPolicies.noSecretData(secret)).toEqual(['fixture.yaml: Secret/leak carries data']);
  });

  test('the repository scan reaches the cluster and gitops folders', () => {
    const sources = new Set(allRepoYaml().map((i) => i.source.split('/')[0]));
    expect([...sources]).toEqual(expect.arrayContaining(['gitops', 'clusters']));
    expect(join('x')).toBe('x');
  });
});
