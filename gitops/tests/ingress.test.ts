// Offline tier: the way in. One certificate per host (not one per service Ingress, which would ask
// Let's Encrypt for the same name four times per install), and plain HTTP redirected by a router
// that actually sees plain HTTP (the services' Ingresses only get TLS routers).
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { broken, type Loose } from './lib/fixtures.ts';
import { handWrittenManifests, type Located } from './lib/manifests.ts';
import { clusters, renderServices } from './lib/render.ts';

setDefaultTimeout(60_000);

/** Problems with how a cluster's Ingresses get their certificates. */
function certificateProblems(ingresses: Located[], certificates: Located[]): string[] {
  const problems: string[] = [];
  const bySecret = new Map<string, Loose[]>();
  for (const { object } of certificates) {
    const spec = object.spec as Loose;
    bySecret.set(spec.secretName, [...(bySecret.get(spec.secretName) ?? []), object]);
  }
  for (const [secret, certs] of bySecret) {
    if (certs.length > 1) problems.push(`${certs.length} Certificates write secret ${secret}`);
  }
  for (const { source, object } of ingresses) {
    const name = `${source}: Ingress ${String(object.metadata.name)}`;
    const annotations = (object.metadata.annotations ?? {}) as Record<string, string>;
    for (const key of Object.keys(annotations).filter((k) => k.startsWith('cert-manager.io/'))) {
      problems.push(`${name} asks cert-manager for its own certificate (${key})`);
    }
    for (const tls of ((object.spec as Loose).tls ?? []) as { hosts: string[]; secretName: string }[]) {
      const certs = bySecret.get(tls.secretName) ?? [];
      if (!certs.length) problems.push(`${name}: no Certificate writes its TLS secret ${tls.secretName}`);
      for (const host of tls.hosts) {
        if (!certs.some((c) => (c.spec as Loose).dnsNames.includes(host))) {
          problems.push(`${name}: host ${host} is not in the Certificate for ${tls.secretName}`);
        }
      }
    }
  }
  return problems;
}

const clusterObjects = async (cluster: string) => {
  const rendered = (await renderServices()).filter((r) => r.cluster === cluster).flatMap((r) => r.objects);
  const certificates = handWrittenManifests().filter(
    ({ source, object }) =>
      source.startsWith(`clusters/${cluster}/`) && object.kind === 'Certificate' && !object.spec?.isCA,
  );
  return { ingresses: rendered.filter(({ object }) => object.kind === 'Ingress'), certificates };
};

describe.each([...clusters])('%s ingress', (cluster) => {
  test('every service Ingress serves the one Certificate of its host', async () => {
    const { ingresses, certificates } = await clusterObjects(cluster);
    expect(ingresses.length).toBeGreaterThan(1);
    expect(certificateProblems(ingresses, certificates)).toEqual([]);
  });
});

describe('plain HTTP is redirected', () => {
  const route = () =>
    handWrittenManifests().find(
      ({ object }) => object.kind === 'IngressRoute' && object.metadata.name === 'http-redirect',
    )!;
  test('a catch-all router on the web entry point carries redirect-https, at the lowest priority', () => {
    const spec = route().object.spec as Loose;
    expect(spec.entryPoints).toEqual(['web']);
    expect(spec.routes[0].match).toBe('PathPrefix(`/`)');
    expect(spec.routes[0].priority).toBe(1);
    expect(spec.routes[0].middlewares.map((m: { name: string }) => m.name)).toContain('redirect-https');
  });
});

describe('ingress checks catch broken fixtures', () => {
  test('a per-Ingress cert-manager certificate, and a host the Certificate lacks', async () => {
    const { ingresses, certificates } = await clusterObjects('oke');
    const perIngress = broken(ingresses[0]!, (o) => {
      o.metadata.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt-prod';
      o.spec.tls[0].hosts = ['other.example.com'];
    });
    const problems = certificateProblems([perIngress], certificates).join('\n');
    expect(problems).toContain('asks cert-manager for its own certificate (cert-manager.io/cluster-issuer)');
    expect(problems).toContain('host other.example.com is not in the Certificate for tasktide-tls');
  });
  test('two Certificates for one secret', async () => {
    const { ingresses, certificates } = await clusterObjects('oke');
    const twice = [
      ...certificates,
      broken(certificates[0]!, (o) => {
        o.metadata.name = 'again';
      }),
    ];
    expect(certificateProblems(ingresses, twice).join()).toContain('2 Certificates write secret tasktide-tls');
  });
});

/**
 * Which paths reach a service from outside: the internal routes (Dapr service invocation: another
 * user's task, creating occurrences), metrics and probes must not match any Ingress rule.
 */
function exposedInternals(ingresses: Located[]): string[] {
  const rules = ingresses.flatMap(({ object }) =>
    ((object.spec as Loose).rules ?? []).flatMap((r: Loose) =>
      (r.http?.paths ?? []).map((p: Loose) => ({
        path: String(p.path),
        type: String(p.pathType),
        name: object.metadata.name,
      })),
    ),
  );
  const matches = (probe: string) =>
    rules.filter((r) =>
      r.type === 'Exact'
        ? probe === r.path
        : probe === r.path || probe.startsWith(r.path.endsWith('/') ? r.path : `${r.path}/`),
    );
  return ['/internal/tasks/x', '/internal/auth/resolve', '/metrics', '/healthz', '/readyz'].flatMap((probe) =>
    matches(probe).map((r) => `${probe} reaches Ingress ${String(r.name)} (path ${r.path}, ${r.type})`),
  );
}

describe.each([...clusters])('what the ingress exposes on %s', (cluster) => {
  test('no internal route, metrics or probe is routed from outside; the app and API are', async () => {
    const ingresses = (await renderServices())
      .filter((r) => r.cluster === cluster)
      .flatMap((r) => r.objects)
      .filter((o) => o.object.kind === 'Ingress');
    expect(exposedInternals(ingresses)).toEqual([]);
    const paths = ingresses.flatMap(({ object }) =>
      ((object.spec as Loose).rules ?? []).flatMap((r: Loose) => (r.http?.paths ?? []).map((p: Loose) => p.path)),
    );
    expect(paths).toEqual(expect.arrayContaining(['/', '/api/v1/', '/static/', '/docs']));
  });

  test('a catch-all "/" prefix on the api would expose /internal (the fixture fails)', async () => {
    const ingresses = (await renderServices())
      .filter((r) => r.cluster === cluster)
      .flatMap((r) => r.objects)
      .filter((o) => o.object.kind === 'Ingress')
      .map((i) =>
        broken(i, (o) => {
          o.spec.rules[0].http.paths[0] = { ...o.spec.rules[0].http.paths[0], path: '/', pathType: 'Prefix' };
        }),
      );
    expect(exposedInternals(ingresses).join('\n')).toContain('/internal/tasks/x reaches Ingress');
  });
});
