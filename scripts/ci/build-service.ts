#!/usr/bin/env bun
/**
 * Builds one service the way its container image ships it; the Dockerfile and the local smoke
 * test both call this, so what the test starts is what the image runs.
 *
 *   bun scripts/ci/build-service.ts --app api --out /out [--with-pglite]
 *
 * Layout of <out> (the image copies it to /app, its WORKDIR):
 *   main.js, migrate.js       bundles of apps/<app>/src/{main,migrate}.ts (migrate only if present),
 *                             with linked source maps so stack traces name the TypeScript file:line
 *                             (file:line:column in our code, file:line in node_modules)
 *   chunk-<hash>.js           code the entries share, and code loaded only by `import()`
 *   apps/<app>/drizzle/, …    files the bundled modules locate with `new URL('<path>', import.meta.url)`
 *                             (SQL migrations of the app and of packages), at their repository path
 *   pglite.wasm, pglite.data, pg_trgm.tar.gz  only with --with-pglite: the embedded database's runtime files
 *
 * A bundle puts every module in one file, so `import.meta.url` would point at the bundle. Modules
 * of this repository get theirs rewritten to their own repository path under <out>, and what they
 * locate with a literal `new URL('…', import.meta.url)` is copied there, which is why
 * `new URL('../../drizzle', import.meta.url)` in apps/api/src/db still finds apps/api/drizzle.
 */
import { cpSync, existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { BunPlugin } from 'bun';
import { listServices, REPO_ROOT } from './layout.ts';
import { lineMappings } from './sourcemap-lines.ts';

/** Entry points of a service, in apps/<app>/src; main is required. */
export const ENTRYPOINTS = ['main.ts', 'migrate.ts'] as const;
/** The packages that may hold PGlite (the db package depends on it). */
const PGLITE_FROM = ['packages/db'];

export interface BuildServiceOptions {
  app: string;
  outDir: string;
  root?: string;
  /** Ship PGlite's wasm and data files so the service runs without DATABASE_URL. */
  withPglite?: boolean;
}

export interface BuiltService {
  /** Files written, relative to outDir, with their sizes in bytes. */
  files: Array<{ path: string; bytes: number }>;
  /** Bundles to run with `bun <outDir>/<entry>`. */
  entries: string[];
  /** Repository paths shipped because a bundled module locates them relative to itself. */
  assets: string[];
}

/** Bundles a service into `outDir`; throws with the bundler's messages when the build fails. */
export async function buildService({
  app,
  outDir,
  root = REPO_ROOT,
  withPglite = false,
}: BuildServiceOptions): Promise<BuiltService> {
  const services = listServices(root);
  if (!services.includes(app))
    throw new Error(`"${app}" is not a service (services: ${services.join(', ') || 'none'})`);
  const src = join(root, 'apps', app, 'src');
  const entrypoints = ENTRYPOINTS.map((file) => join(src, file)).filter((path) => existsSync(path));
  const assets = new Set<string>();
  await buildWebAppFor(app, root);

  const result = await Bun.build({
    entrypoints,
    outdir: outDir,
    target: 'bun',
    format: 'esm',
    // Identifiers stay: logs and error names keep their meaning; whitespace and syntax go.
    minify: { whitespace: true, syntax: true, identifiers: false },
    sourcemap: 'linked',
    // Split: code reached only through `import()` (PGlite, OpenTelemetry) and code of one entry
    // only go to chunks of their own, which a process that never loads them never reads. Bun
    // keeps the text and the parsed map of every module it reads; as one file that cost the idle
    // api ~2.5 MiB.
    splitting: true,
    naming: { entry: '[name].[ext]', chunk: 'chunk-[hash].[ext]' },
    plugins: [moduleLocation({ root, outDir, assets })],
    throw: false,
  });
  if (!result.success) {
    throw new Error(`bun build failed for ${app}:\n${result.logs.map((log) => `  ${log}`).join('\n')}`);
  }

  // Source maps without the sources' text: stack traces still name file:line, at a third the size.
  // Third-party code is mapped by line only: Bun holds the parsed map in memory (see sourcemap-lines.ts).
  for (const output of result.outputs.filter((o) => o.kind === 'sourcemap')) {
    const map = await Bun.file(output.path).json();
    map.sourcesContent = map.sources.map(() => null);
    map.mappings = lineMappings(map.mappings, (i) => !map.sources[i].includes('/node_modules/'));
    await Bun.write(output.path, JSON.stringify(map));
  }
  for (const asset of assets) cpSync(join(root, asset), join(outDir, asset), { recursive: true });
  if (withPglite) {
    const dist = pgliteDist(root);
    // The extensions packages/db loads (pg_trgm for search) are fetched next to the bundle too.
    for (const file of ['pglite.wasm', 'pglite.data', 'pg_trgm.tar.gz']) cpSync(join(dist, file), join(outDir, file));
  }

  const files = [...new Bun.Glob('**/*').scanSync({ cwd: outDir, dot: true })]
    .sort()
    .map((path) => ({ path, bytes: statSync(join(outDir, path)).size }));
  const entries = entrypoints.map((path) => `${relative(src, path).replace(/\.ts$/, '')}.js`);
  return { files, entries, assets: [...assets].sort() };
}

/**
 * Rewrites `import.meta.{url,dir,dirname,path,filename}` in this repository's modules to the
 * module's own repository path under `outDir`, resolved against the bundle's location at run time,
 * and adds to `assets` the repository files and folders located with `new URL('<literal>', import.meta.url)`.
 */
function moduleLocation({ root, outDir, assets }: { root: string; outDir: string; assets: Set<string> }): BunPlugin {
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const filter = new RegExp(`^${escaped}/(apps|packages)/(?!.*/node_modules/).*\\.[cm]?tsx?$`);
  return {
    name: 'tasktide-module-location',
    setup(build) {
      build.onLoad({ filter }, async ({ path }) => {
        const contents = await Bun.file(path).text();
        const loader = path.endsWith('x') ? 'tsx' : 'ts';
        for (const [, , literal] of contents.matchAll(/new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g)) {
          const target = resolve(dirname(path), literal!);
          const isCode = /\.[cm]?[jt]sx?$/.test(target);
          if (target.startsWith(`${root}${sep}`) && existsSync(target) && !isCode) assets.add(relative(root, target));
        }
        const shipped = relative(outDir, join(outDir, relative(root, path)))
          .split(sep)
          .join('/');
        const url = `new URL(${JSON.stringify(`./${shipped}`)}, import.meta.url)`;
        const replacements: Record<string, string> = {
          url: `${url}.href`,
          path: `Bun.fileURLToPath(${url})`,
          filename: `Bun.fileURLToPath(${url})`,
          dir: `Bun.fileURLToPath(new URL('.', ${url})).slice(0, -1)`,
          dirname: `Bun.fileURLToPath(new URL('.', ${url})).slice(0, -1)`,
        };
        const rewritten = contents.replace(
          /\bimport\.meta\.(url|dir|dirname|path|filename)\b/g,
          (_match, key: string) => `(${replacements[key]})`,
        );
        return { contents: rewritten, loader };
      });
    },
  };
}

/**
 * A service that serves the web app (depends on @tasktide/web) ships it prebuilt: the image has no
 * sources to bundle at run time. It is written to apps/web/dist before the service is bundled, so
 * webRoutes' `new URL('../dist/', import.meta.url)` finds it and the copy below ships it.
 */
async function buildWebAppFor(app: string, root: string) {
  const manifest = await Bun.file(join(root, 'apps', app, 'package.json')).json();
  if (!manifest.dependencies?.['@tasktide/web']) return;
  const { buildWeb } = (await import(
    join(root, 'apps/web/src/bundle.ts')
  )) as typeof import('../../apps/web/src/bundle.ts');
  const dist = join(root, 'apps/web/dist');
  rmSync(dist, { recursive: true, force: true });
  for (const asset of await buildWeb()) await Bun.write(join(dist, asset.name), asset.body);
}

function pgliteDist(root: string): string {
  for (const from of PGLITE_FROM) {
    try {
      return dirname(Bun.resolveSync('@electric-sql/pglite', join(root, from)));
    } catch {
      // not a dependency there; try the next package
    }
  }
  throw new Error(`@electric-sql/pglite is not installed under ${PGLITE_FROM.join(', ')}: run bun install`);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { app: { type: 'string' }, out: { type: 'string' }, 'with-pglite': { type: 'boolean' } },
  });
  if (!values.app || !values.out) {
    console.error('usage: build-service --app <service> --out <dir> [--with-pglite]');
    process.exit(2);
  }
  try {
    const built = await buildService({ app: values.app, outDir: values.out, withPglite: values['with-pglite'] });
    for (const { path, bytes } of built.files) console.log(`${(bytes / 1024).toFixed(0).padStart(8)} KiB  ${path}`);
    console.log(`shipped for import.meta.url lookups: ${built.assets.join(', ') || 'nothing'}`);
    console.log(`built ${values.app}: run with \`bun ${built.entries.join('` / `bun ')}\` in ${values.out}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
