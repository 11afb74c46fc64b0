import type { ControlPlane } from '../control-plane.ts';
import { group, type Obj, ref } from './objects.ts';

/** JSON from the API server (admin), or undefined on 404. Throws on any other failure. */
export async function getJson<T = Obj>(cp: ControlPlane, path: string): Promise<T | undefined> {
  const res = await cp.api(path);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson(cp: ControlPlane, path: string, body: unknown, method = 'POST') {
  const res = await cp.api(path, {
    method,
    headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface Resource {
  kind: string;
  name: string;
  namespaced: boolean;
}

/**
 * The API server's kinds (built-in and from CRDs): whether each is namespaced and its REST path.
 * Refreshed after CRDs are applied, as a client would rediscover.
 */
export class Discovery {
  private byKey = new Map<string, Resource & { groupVersion: string }>();
  constructor(private cp: ControlPlane) {}

  async refresh() {
    this.byKey.clear();
    const add = async (groupVersion: string, base: string) => {
      const list = await getJson<{ resources: Resource[] }>(this.cp, base);
      for (const r of list?.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        this.byKey.set(`${groupVersion}/${r.kind}`, { ...r, groupVersion });
      }
    };
    await add('v1', '/api/v1');
    const groups = await getJson<{ groups: { versions: { groupVersion: string }[] }[] }>(this.cp, '/apis');
    await Promise.all(
      (groups?.groups ?? []).flatMap((g) => g.versions.map((v) => add(v.groupVersion, `/apis/${v.groupVersion}`))),
    );
  }

  /** What helm's --api-versions wants: every group/version and group/version/Kind served. */
  apiVersions(): string[] {
    const out = new Set<string>();
    for (const r of this.byKey.values()) {
      out.add(r.groupVersion);
      out.add(`${r.groupVersion}/${r.kind}`);
    }
    return [...out].sort();
  }

  find(o: Pick<Obj, 'apiVersion' | 'kind'>) {
    return this.byKey.get(`${o.apiVersion}/${o.kind}`);
  }

  /** REST path of an object (namespace already filled in for namespaced kinds). */
  path(o: Obj): string {
    const r = this.find(o);
    if (!r) throw new Error(`${ref(o)}: the API server has no kind ${o.kind} in ${o.apiVersion}`);
    const base = group(o) ? `/apis/${o.apiVersion}` : '/api/v1';
    const ns = r.namespaced ? `/namespaces/${o.metadata.namespace}` : '';
    return `${base}${ns}/${r.name}/${o.metadata.name}`;
  }
}

export type ApplyMode = 'client-side' | 'server-side';

/**
 * Applies objects as Argo CD's controller does: `kubectl apply` (client-side: the whole object goes
 * into the last-applied-configuration annotation, capped at 262,144 bytes) or, with the
 * ServerSideApply=true sync option, server-side apply as field manager argocd-controller. Field
 * validation is Strict, so an unknown field fails like a typo would. Throws with kubectl's
 * messages, which name each refused resource.
 */
export async function apply(
  cp: ControlPlane,
  objects: Obj[],
  mode: ApplyMode,
  opts: { dryRun?: boolean; who: string },
): Promise<void> {
  if (!objects.length) return;
  const args = ['apply', '-f', '-', '--validate=strict', '-o', 'name'];
  if (mode === 'server-side') args.push('--server-side', '--force-conflicts', '--field-manager=argocd-controller');
  if (opts.dryRun) args.push('--dry-run=server');
  const res = await cp.kubectl(args, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  if (res.code !== 0) {
    const what = objects.length === 1 ? ref(objects[0]!) : `${objects.length} objects`;
    throw new Error(`${opts.who}: ${mode} apply of ${what} refused by the API server:\n${res.stderr.trim()}`);
  }
}
