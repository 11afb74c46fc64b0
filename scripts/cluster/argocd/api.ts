import { createHmac } from 'node:crypto';

/**
 * argocd-server's REST API as the UI calls it (ui/src/app/shared/services/applications-service.ts of
 * the pinned version): session login, the application, its update (the UI's auto-sync toggle sends
 * the whole Application back with `validate=false`), rollback to a history id, and the GitHub push
 * webhook endpoint (clusters/oke/README.md step 7).
 */
// biome-ignore lint/suspicious/noExplicitAny: Argo CD objects
type Any = any;

export class ArgoApi {
  private token = '';
  constructor(readonly base: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<Any> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new ArgoApiError(`${method} ${path}: ${res.status} ${text}`, res.status, text);
    return text ? JSON.parse(text) : undefined;
  }

  /** POST /api/v1/session with the admin account, as the UI's login form does. */
  async login(username: string, password: string) {
    this.token = (await this.call('POST', '/api/v1/session', { username, password })).token;
  }

  app(name: string): Promise<Any> {
    return this.call('GET', `/api/v1/applications/${name}`);
  }

  /** The UI's "Refresh" button (normal refresh: compare with git again). */
  refresh(name: string): Promise<Any> {
    return this.call('GET', `/api/v1/applications/${name}?refresh=normal`);
  }

  /**
   * App details → Sync Policy → Disable/Enable Auto-Sync (application-summary.tsx toggleAutoSync):
   * the UI keeps `automated` and flips `automated.enabled`, then PUTs the Application.
   */
  async setAutoSync(name: string, enabled: boolean): Promise<Any> {
    const app = await this.app(name);
    const existing = app.spec.syncPolicy?.automated;
    app.spec.syncPolicy ??= {};
    app.spec.syncPolicy.automated = {
      prune: existing?.prune ?? false,
      selfHeal: existing?.selfHeal ?? false,
      enabled,
    };
    return this.call('PUT', `/api/v1/applications/${name}?validate=false`, app);
  }

  /** History and Rollback → Rollback: POST /api/v1/applications/{name}/rollback {id, prune}. */
  rollback(name: string, id: number): Promise<Any> {
    return this.call('POST', `/api/v1/applications/${name}/rollback`, { id, prune: false });
  }

  /**
   * What GitHub sends to /api/webhook for a push (event `push`), signed with the webhook secret when
   * one is configured (README step 7).
   */
  async githubPush(opts: { webUrl: string; branch: string; before: string; after: string; secret?: string }) {
    const payload = JSON.stringify({
      ref: `refs/heads/${opts.branch}`,
      before: opts.before,
      after: opts.after,
      commits: [],
      repository: { html_url: opts.webUrl, default_branch: opts.branch },
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(),
    };
    if (opts.secret) {
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', opts.secret).update(payload).digest('hex')}`;
    }
    const res = await fetch(`${this.base}/api/webhook`, { method: 'POST', headers, body: payload });
    if (!res.ok) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  }
}

export class ArgoApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}
