/**
 * Builds the browser app with Bun's bundler: the HTML entry point pulls in the TSX and CSS; every
 * other file gets a content hash and is served under /static/ (so it can be cached for good).
 *
 *   bun apps/web/src/bundle.ts [outdir]   writes the build (default apps/web/dist) for images
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The page's entry point; its presence means the sources are here (a repository, not an image). */
export const ENTRY_HTML = join(import.meta.dir, 'index.html');
export const PUBLIC_PATH = '/static/';

/** One built file: its name (index.html, or the hashed name under /static/) and its bytes. */
export interface WebAsset {
  name: string;
  type: string;
  body: Uint8Array;
}

/** Bundles the app in memory; throws with the bundler's messages when it fails. */
export async function buildWeb({ minify = true }: { minify?: boolean } = {}): Promise<WebAsset[]> {
  const result = await Bun.build({
    entrypoints: [ENTRY_HTML],
    target: 'browser',
    minify,
    publicPath: PUBLIC_PATH,
    naming: { entry: '[name]-[hash].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
    define: { 'process.env.NODE_ENV': JSON.stringify(minify ? 'production' : 'development') },
    throw: false,
  });
  if (!result.success) throw new Error(`web build failed:\n${result.logs.map((l) => `  ${l}`).join('\n')}`);
  return Promise.all(
    result.outputs.map(async (output) => {
      const name = output.path.replace(/^\.\//, '');
      return {
        // The HTML entry is the page itself, served at / under a fixed name.
        name: name.endsWith('.html') ? 'index.html' : name,
        type: output.type,
        body: new Uint8Array(await output.arrayBuffer()),
      };
    }),
  );
}

if (import.meta.main) {
  const outdir = Bun.argv[2] ?? join(import.meta.dir, '..', 'dist');
  mkdirSync(outdir, { recursive: true });
  for (const asset of await buildWeb()) {
    await Bun.write(join(outdir, asset.name), asset.body);
    console.log(`${(asset.body.byteLength / 1024).toFixed(1).padStart(8)} KiB  ${asset.name}`);
  }
}
