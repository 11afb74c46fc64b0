import type { Subscription } from '@tasktide/events';
import { type Logger, rawBodyText } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { propagationHeaders } from '../delivery.ts';
import type { BusMetrics } from '../metrics.ts';
import type { JobHandler, Jobs, OutgoingMessage, Platform, PublishResult, StateEntry, StateStore } from '../ports.ts';
import { daprSubscriptionRoutes } from './subscriptions.ts';

export interface DaprPlatformOptions {
  appId: string;
  /** daprd HTTP port (DAPR_HTTP_PORT). */
  httpPort?: number;
  /** For harnesses that learn the port after the app started (the sidecar starts second). */
  httpPortRef?: () => number;
  host?: string;
  pubsubName?: string;
  stateStoreName?: string;
  secretStoreName?: string;
  /** Sent as `dapr-api-token` when the sidecar requires it (DAPR_API_TOKEN). */
  apiToken?: string;
  log?: Logger;
  metrics?: BusMetrics;
}

/**
 * The production adapter: every building block through the app's daprd sidecar, over the Dapr
 * HTTP API with fetch. Not @dapr/dapr's DaprClient, which the design card suggests: its HTTP client
 * hides ETags and status codes (first-write claims need the 409, callers need 404 vs 409), it
 * misreads bulk-publish failures as success (see publish — the outage test lost events), it has no
 * Jobs client, and importing it costs ~60 MB of idle RSS per service (docs/platform.md).
 */
export function createDaprPlatform(opts: DaprPlatformOptions): Platform {
  const host = opts.host ?? '127.0.0.1';
  const portOf = opts.httpPortRef ?? (() => opts.httpPort ?? 3500);
  const baseUrl = () => `http://${host}:${portOf()}/v1.0`;
  const pubsubName = opts.pubsubName ?? 'pubsub';
  const stateStore = opts.stateStoreName ?? 'statestore';
  const secretStore = opts.secretStoreName ?? 'secretstore';
  const headers: Record<string, string> = opts.apiToken ? { 'dapr-api-token': opts.apiToken } : {};
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${baseUrl()}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...headers, ...(init.headers as Record<string, string>) },
    });
  }

  /**
   * Bulk publish over the Dapr HTTP API. Not the SDK's publishBulk: it matches failed entries by
   * `entryID` while daprd answers `entryId`, so over HTTP it reports a failed batch as published
   * (the broker-outage test caught this as lost events).
   */
  async function publish(topic: string, messages: OutgoingMessage[]): Promise<PublishResult> {
    if (!messages.length) return { published: [], failed: [] };
    const entries = messages.map((m, i) => ({
      entryId: String(i),
      event: m.data,
      contentType: 'application/json',
      // partitionKey becomes the Kafka message key: one user's events share a partition, in order.
      metadata: { partitionKey: m.key },
    }));
    const res = await fetch(
      `${baseUrl().replace('/v1.0', '/v1.0-alpha1')}/publish/bulk/${pubsubName}/${encodeURIComponent(topic)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(entries),
      },
    );
    if (res.ok) return { published: messages.map((m) => m.data.event_id), failed: [] };
    const text = await res.text();
    let failedEntries: { entryId?: string; error?: string }[] = [];
    try {
      failedEntries = (JSON.parse(text) as { failedEntries?: typeof failedEntries }).failedEntries ?? [];
    } catch {}
    // Without a per-entry answer the whole batch is treated as failed (it will be retried).
    if (!failedEntries.length) throw new Error(`bulk publish to ${topic}: ${res.status} ${text.slice(0, 500)}`);
    const failedIdx = new Set(failedEntries.map((f) => Number(f.entryId)));
    return {
      published: messages.filter((_, i) => !failedIdx.has(i)).map((m) => m.data.event_id),
      failed: failedEntries.map((f) => ({
        eventId: messages[Number(f.entryId)]?.data.event_id ?? 'unknown',
        error: String(f.error ?? 'unknown'),
      })),
    };
  }

  /** One item saved to the state store; `ttlSeconds` becomes daprd's `ttlInSeconds` metadata. */
  const saveItem = (
    key: string,
    value: unknown,
    { ttlSeconds }: { ttlSeconds?: number },
    extra: { etag?: string; options?: { concurrency: 'first-write' } } = {},
  ) =>
    call(`/state/${stateStore}`, {
      method: 'POST',
      body: JSON.stringify([
        { key, value, ...extra, metadata: ttlSeconds ? { ttlInSeconds: String(ttlSeconds) } : undefined },
      ]),
    });

  /**
   * A first-write save (a claim, or a replace at `etag`): true when it landed, false when another
   * writer got there first or the etag moved.
   */
  async function saveFirstWrite(
    op: 'claim' | 'replace',
    key: string,
    value: unknown,
    o: { ttlSeconds?: number },
    etag?: string,
  ): Promise<boolean> {
    const res = await saveItem(key, value, o, { etag, options: { concurrency: 'first-write' } });
    if (res.ok) return true;
    if (res.status === 409) return false;
    const body = await res.text();
    // state.postgresql v2 reports a lost first-write as ERR_STATE_SAVE "no item was updated" (500).
    if (/no item was updated|etag/i.test(body)) return false;
    throw new Error(`state ${op} ${key}: ${res.status} ${body}`);
  }

  const state: StateStore = {
    async get<T>(key: string): Promise<StateEntry<T> | null> {
      const res = await call(`/state/${stateStore}/${encodeURIComponent(key)}`);
      if (res.status === 204) return null;
      if (!res.ok) throw new Error(`state get ${key}: ${res.status} ${await res.text()}`);
      return { value: (await res.json()) as T, etag: res.headers.get('etag') ?? '' };
    },
    async set(key, value, o = {}) {
      const res = await saveItem(key, value, o);
      if (!res.ok) throw new Error(`state set ${key}: ${res.status} ${await res.text()}`);
    },
    claim: (key, value, o = {}) => saveFirstWrite('claim', key, value, o),
    replace: (key, value, etag, o = {}) => saveFirstWrite('replace', key, value, o, etag),
    async delete(key) {
      const res = await call(`/state/${stateStore}/${encodeURIComponent(key)}`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`state delete ${key}: ${res.status}`);
    },
  };

  const jobs: Jobs = {
    async schedule(name, spec) {
      const res = await call(`/jobs/${encodeURIComponent(name)}`, {
        method: 'POST',
        body: JSON.stringify({
          dueTime: spec.dueTime.toISOString(),
          data: spec.data,
          overwrite: spec.overwrite ?? true,
        }),
      });
      if (!res.ok) throw new Error(`job schedule ${name}: ${res.status} ${await res.text()}`);
    },
    async delete(name) {
      const res = await call(`/jobs/${encodeURIComponent(name)}`, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(`job delete ${name}: ${res.status} ${await res.text()}`);
    },
    async get(name) {
      const res = await call(`/jobs/${encodeURIComponent(name)}`);
      if (res.status === 404 || res.status === 204) return null;
      if (!res.ok) {
        const body = await res.text();
        // daprd answers 500 with ERR_JOBS_NOT_FOUND-ish messages for unknown jobs in some versions.
        if (/not found/i.test(body)) return null;
        throw new Error(`job get ${name}: ${res.status} ${body}`);
      }
      return (await res.json()) as { name: string; dueTime?: string; data: unknown };
    },
  };

  return {
    kind: 'dapr',
    appId: opts.appId,
    pubsub: {
      publish,
      subscribe: (subscriptions: Subscription[]) =>
        daprSubscriptionRoutes({
          pubsubName,
          subscriptions,
          publisher: { publish },
          log: opts.log,
          metrics: opts.metrics,
        }),
      close: async () => {},
    },
    state,
    secrets: {
      async get(name) {
        const res = await call(`/secrets/${secretStore}/${encodeURIComponent(name)}`);
        if (res.status === 204 || res.status === 404) return undefined;
        if (!res.ok) throw new Error(`secret ${name}: ${res.status} ${await res.text()}`);
        return ((await res.json()) as Record<string, string>)[name];
      },
    },
    invoker: {
      invoke: (appId, path, init = {}) =>
        fetch(`${baseUrl()}/invoke/${appId}/method/${path.replace(/^\//, '')}`, {
          ...init,
          headers: { ...headers, ...propagationHeaders(), ...(init.headers as Record<string, string>) },
        }),
    },
    jobs,
    onJob(handler: JobHandler) {
      // daprd delivers a fired job as POST /job/<name> with the job's data as the body.
      return new Elysia({ name: 'dapr-jobs' }).post(
        '/job/:name',
        async ({ params, request, set }) => {
          const text = await rawBodyText(request);
          let data: Record<string, unknown> = {};
          try {
            const parsed = text ? JSON.parse(text) : {};
            // Depending on the version the body is the data itself or {value: data} wrapped in Any.
            data = (parsed?.value && typeof parsed.value === 'object' ? parsed.value : parsed) as Record<
              string,
              unknown
            >;
          } catch {
            opts.log?.error({ job: params.name }, 'undecodable job payload');
          }
          await handler(decodeURIComponent(params.name), data);
          set.status = 200;
          return { status: 'SUCCESS' };
        },
        { parse: 'none', detail: { hide: true } },
      );
    },
    async ready() {
      const res = await fetch(`${baseUrl()}/healthz/outbound`);
      if (!res.ok) throw new Error(`daprd not ready: ${res.status}`);
    },
    close: async () => {},
  };
}
