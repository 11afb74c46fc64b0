import type { ControlPlane } from '../control-plane.ts';
import { getJson } from '../tier/kube.ts';

/**
 * Argo CD's Applications as the API server streams them (one watch, so events are in the order
 * etcd committed them): the tier waits on their status fields and proves the wave order from the
 * stream — a child of wave w must appear only after every child of an earlier wave was Healthy.
 */
// biome-ignore lint/suspicious/noExplicitAny: Argo CD objects
export type App = any;

export const APPLICATIONS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';

export interface AppEvent {
  seq: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  sync?: string;
  health?: string;
  /** Phase of its last sync operation (Running, Succeeded, Failed …). */
  operation?: string;
  object: App;
}

export const synced = (a: App) => a?.status?.sync?.status === 'Synced';
export const healthy = (a: App) => a?.status?.health?.status === 'Healthy';
export const state = (a: App) =>
  `${a?.status?.sync?.status ?? '-'}/${a?.status?.health?.status ?? '-'}${
    a?.status?.operationState ? ` op ${a.status.operationState.phase}: ${a.status.operationState.message ?? ''}` : ''
  }`.slice(0, 400);

/** A list + watch of one collection (`path`), every event kept in stream order. */
export class Watch {
  readonly events: AppEvent[] = [];
  readonly apps = new Map<string, App>();
  private stopped = false;
  private abort = new AbortController();
  private done: Promise<void>;
  private markListed: () => void = () => {};
  /** Resolves once the first list is in (events from then on are new). */
  readonly listed = new Promise<void>((resolve) => {
    this.markListed = resolve;
  });

  constructor(
    private cp: ControlPlane,
    private path = APPLICATIONS,
  ) {
    this.done = this.run();
  }

  private record(type: AppEvent['type'], app: App) {
    const name = app.metadata.name;
    if (type === 'DELETED') this.apps.delete(name);
    else this.apps.set(name, app);
    this.events.push({
      seq: this.events.length,
      type,
      name,
      sync: app.status?.sync?.status,
      health: app.status?.health?.status,
      operation: app.status?.operationState?.phase,
      object: app,
    });
  }

  private async run() {
    let rv = '';
    while (!this.stopped) {
      try {
        if (!rv) {
          const list = await getJson<{ metadata: { resourceVersion: string }; items: App[] }>(this.cp, this.path);
          for (const a of list?.items ?? []) if (!this.apps.has(a.metadata.name)) this.record('ADDED', a);
          rv = list?.metadata.resourceVersion ?? '';
          if (list) this.markListed();
        }
        const res = await this.cp.api(`${this.path}?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, {
          signal: this.abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`watch ${this.path}: ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        while (!this.stopped) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let nl = buf.indexOf('\n');
          while (nl >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            nl = buf.indexOf('\n');
            if (!line.trim()) continue;
            const ev = JSON.parse(line);
            if (ev.type === 'ERROR') {
              rv = ''; // expired: list again
              break;
            }
            rv = ev.object.metadata.resourceVersion;
            if (ev.type !== 'BOOKMARK') this.record(ev.type, ev.object);
          }
        }
      } catch (err) {
        if (this.stopped) return;
        await Bun.sleep(200); // the API server went away for a moment: watch again from rv
        if (String(err).includes('410')) rv = '';
      }
    }
  }

  async stop() {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }

  /** Waits (on watch events) until `check` holds for the current Applications; names the laggards. */
  async until(what: string, check: (apps: Map<string, App>) => boolean, timeoutMs: number, detail?: () => string) {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.apps)) {
      if (Date.now() > deadline) {
        const list = [...this.apps.values()].map((a) => `  ${a.metadata.name}: ${state(a)}`).join('\n');
        throw new Error(`timed out waiting for ${what}\n${list}${detail ? `\n${detail()}` : ''}`);
      }
      await Bun.sleep(250);
    }
  }
}

/** The sync wave of an Application: its annotation, or its ApplicationSet's (generated services). */
export function waveOf(app: App, sets: Map<string, number>): number {
  const own = app.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
  if (own !== undefined) return Number(own);
  const owner = (app.metadata.ownerReferences ?? []).find((r: App) => r.kind === 'ApplicationSet');
  return owner ? (sets.get(owner.name) ?? 0) : 0;
}

/**
 * Wave-order violations in the event stream: a child Application that appeared before every child
 * of an earlier wave was ready — its own sync Succeeded and it Healthy, what the root's Application
 * health check (gitops/argocd) waits for.
 */
export function waveViolations(events: AppEvent[], waves: Map<string, number>, root: string): string[] {
  const added = new Map<string, number>();
  const healthyAt = new Map<string, number>();
  for (const e of events) {
    if (e.name === root) continue;
    if (e.type === 'ADDED' && !added.has(e.name)) added.set(e.name, e.seq);
    const ready = e.health === 'Healthy' && e.operation === 'Succeeded';
    if (ready && !healthyAt.has(e.name)) healthyAt.set(e.name, e.seq);
  }
  const problems: string[] = [];
  for (const [child, at] of added) {
    for (const [earlier, wave] of waves) {
      if (earlier === child || wave >= (waves.get(child) ?? 0)) continue;
      const ok = healthyAt.get(earlier);
      if (ok === undefined || ok > at) {
        problems.push(
          `${child} (wave ${waves.get(child)}) appeared before ${earlier} (wave ${wave}) had synced and was Healthy`,
        );
      }
    }
  }
  return problems;
}
