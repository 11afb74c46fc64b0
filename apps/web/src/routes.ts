/**
 * The web app's HTTP side: `/` serves the page, `/static/*` its hashed scripts and styles. Mounted
 * by the api (production) and by `bun dev`, so the page and `/api` share one origin.
 */
import { existsSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import { buildWeb, ENTRY_HTML, type WebAsset } from './bundle.ts';

/** The prebuilt app (`bun apps/web/src/bundle.ts`); the api image ships it beside its bundle. */
const DIST = new URL('../dist/', import.meta.url);

// The page talks only to its own origin (fetch and the /ws socket); nothing inline runs.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface WebRoutesOptions {
  /**
   * `source` bundles apps/web/src in memory at the first request (a checkout: bun dev, tests);
   * `dist` reads a prebuilt folder (the image, which has no sources). Default: source when present.
   */
  from?: 'source' | 'dist';
  distDir?: string;
  /** Rebuild after a source file changes (bun dev). Default: from source, outside production and tests. */
  watchSources?: boolean;
}

async function readDist(dir: string): Promise<WebAsset[]> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`the web app is not built: ${dir}index.html is missing (run bun apps/web/src/bundle.ts)`);
  }
  return Promise.all(
    readdirSync(dir).map(async (name) => {
      const file = Bun.file(join(dir, name));
      return { name, type: file.type, body: new Uint8Array(await file.arrayBuffer()) };
    }),
  );
}

/** The Elysia plugin serving the web app; `.use()` it on a service after its API routes. */
export function webRoutes({
  from = existsSync(ENTRY_HTML) ? 'source' : 'dist',
  distDir = Bun.fileURLToPath(DIST),
  watchSources = from === 'source' && !['production', 'test'].includes(process.env.NODE_ENV ?? ''),
}: WebRoutesOptions = {}) {
  let loading: Promise<Map<string, WebAsset>> | undefined;
  const assets = () => {
    loading ??= (from === 'source' ? buildWeb() : readDist(distDir)).then(
      (list) => new Map(list.map((asset) => [asset.name, asset])),
      (err) => {
        loading = undefined; // a failed build is tried again on the next request
        throw err;
      },
    );
    return loading;
  };
  if (watchSources) {
    watch(join(ENTRY_HTML, '..'), { recursive: true }, () => {
      loading = undefined;
    }).unref();
  }

  const send = (asset: WebAsset, headers: Record<string, string>) =>
    new Response(asset.body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': asset.type, 'x-content-type-options': 'nosniff', ...headers },
    });

  return new Elysia({ name: 'tasktide-web' })
    .get(
      '/',
      async () => {
        const page = (await assets()).get('index.html') as WebAsset;
        return send(page, {
          'cache-control': 'no-cache',
          'content-security-policy': CSP,
          'referrer-policy': 'same-origin',
        });
      },
      { detail: { hide: true } },
    )
    .get(
      '/static/*',
      async ({ params }) => {
        const asset = (await assets()).get(params['*']);
        if (!asset || asset.name === 'index.html') throw new AppError('not_found', `No file /static/${params['*']}`);
        // Names carry a content hash: a changed file gets a new name, so a copy never goes stale.
        return send(asset, { 'cache-control': 'public, max-age=31536000, immutable' });
      },
      { detail: { hide: true } },
    );
}
