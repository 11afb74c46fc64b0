import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApi, type TestApi } from '@tasktide/api/testing';
import { buildWeb } from './bundle.ts';
import { webRoutes } from './routes.ts';

const get = (handle: (r: Request) => Response | Promise<Response>, path: string) =>
  handle(new Request(`http://localhost${path}`));

describe('the api serves the web app next to its own routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite');
  }, 120_000);
  afterAll(() => api.close());
  const handle = (r: Request) => api.app.handle(r);

  test('/ is the page, never cached stale, with a same-origin-only CSP', async () => {
    const res = await get(handle, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const file = await get(handle, asset);
      expect(file.status).toBe(200);
      expect(file.headers.get('cache-control')).toContain('immutable');
    }
  });

  test('unknown static files and api paths are problem+json 404s; health and docs still answer', async () => {
    for (const path of ['/static/nope.js', '/static/index.html', '/api/v1/nope']) {
      const res = await get(handle, path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await get(handle, '/healthz')).status).toBe(200);
    expect((await get(handle, '/docs/json')).status).toBe(200);
  });
});

describe('webRoutes from a prebuilt folder (the image has no sources)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-web-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('serves index.html and the hashed files found there', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="/static/app-abc.js"></script>');
    writeFileSync(join(dir, 'app-abc.js'), 'console.log(1)');
    const app = webRoutes({ from: 'dist', distDir: dir });
    expect(await (await get((r) => app.handle(r), '/')).text()).toContain('app-abc.js');
    const js = await get((r) => app.handle(r), '/static/app-abc.js');
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  test('a missing build is a clear error, not an empty page', async () => {
    const app = webRoutes({ from: 'dist', distDir: join(dir, 'missing') });
    const res = await get((r) => app.handle(r), '/');
    expect(res.status).toBe(500);
  });
});

describe('the browser bundle', () => {
  test("holds no server code: the services' schemas type the client (client/types.ts) as types only", async () => {
    const assets = await buildWeb({ minify: false });
    const js = assets
      .filter((a) => a.name.endsWith('.js'))
      .map((a) => new TextDecoder().decode(a.body))
      .join('\n');
    // Unminified, Bun marks where each bundled module starts with a `// <path>` line.
    const modules = [...js.matchAll(/^\/\/ (\S+\.[cm]?[jt]sx?)$/gm)].map((m) => m[1] as string);
    expect(modules).toContain('apps/web/src/client/api.ts');
    expect(modules.filter((m) => /apps\/(api|notifier|audit)\/|\/(elysia|@sinclair)\//.test(m))).toEqual([]);
  }, 60_000);
});
