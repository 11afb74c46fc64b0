import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { pg_trgm as pgTrgmFromPackage } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The query builder every app uses; the same type whether Postgres or PGlite is underneath. */
export type Db = PgDatabase<PgQueryResultHKT>;
/** A transaction handle; functions that must run inside the caller's transaction take this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either: for functions that work in or out of a transaction. */
export type Executor = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Pool usage for the saturation gauges: `inUse` connections busy with a query or transaction (of
   * `max`), `pending` operations beyond that (queued, or pipelined behind another query). PGlite is
   * one in-process connection and is not measured (always 0 in use).
   */
  poolStats(): { inUse: number; max: number; pending: number };
  migrate(opts: MigrateOptions): Promise<void>;
}

/**
 * pg_trgm for PGlite. Its contrib module finds the extension at `../pg_trgm.tar.gz` from itself,
 * which in a bundled service image points outside the bundle: the image build copies the file next
 * to the entry point (scripts/ci/build-service.ts), and that copy wins when present.
 */
async function pgTrgm(): Promise<typeof pgTrgmFromPackage> {
  const besideEntry = join(dirname(process.argv[1] ?? '.'), 'pg_trgm.tar.gz');
  if (!existsSync(besideEntry)) return (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm;
  return { name: 'pg_trgm', setup: async () => ({ bundlePath: pathToFileURL(besideEntry) }) };
}

/**
 * Session settings every connection gets. pg_trgm's word-similarity threshold decides how far a
 * search word may be from a word in the text (the api's typo-tolerant search): 0.5 lets one typo
 * in a 6-letter word through ("invoce" → "invoice"), the default 0.6 does not. A session setting,
 * because the index-backed operator (`%>`) reads it; the function form would scan every row.
 */
export const sessionSettings = {
  'pg_trgm.word_similarity_threshold': '0.5',
  // Statements are prepared (see preparedByDefault), but planned for their values every time: a
  // plan made for "any user, any search words" picks the text indexes, and a search for a
  // common word then costs 30× the plan made for it. Parsing is still saved.
  plan_cache_mode: 'force_custom_plan',
} as const;

export interface MigrateOptions {
  /** Folder of drizzle-kit generated SQL migrations. */
  migrationsFolder: string;
  /** Postgres schema holding this app's migration journal (each app owns one schema). */
  migrationsSchema: string;
}

export interface CreateDbOptions {
  /** postgres:// URL; when absent an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory (`memory://` for a throwaway in-memory database). */
  dataDir?: string;
  /** Pool size for postgres.js. */
  max?: number;
  /** Shared PGlite instance: `bun dev` runs every app in one process against one embedded database. */
  pglite?: PGlite;
}

/**
 * Opens the database: postgres.js when a URL is given, embedded PGlite otherwise.
 *
 * @example
 * const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: '.data/pglite' })
 * await handle.migrate({ migrationsFolder: './drizzle', migrationsSchema: 'api' })
 */
export async function createDb({
  url,
  dataDir = '.data/pglite',
  max = 10,
  pglite,
}: CreateDbOptions = {}): Promise<DbHandle> {
  if (url) {
    const client = postgres(url, {
      max,
      onnotice: () => {},
      connection: { application_name: 'tasktide', ...sessionSettings },
    });
    const inFlight = trackInFlight(client, ['unsafe', 'begin']);
    const db = drizzlePostgres(preparedByDefault(inFlight.client)) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
      poolStats: () => ({ inUse: Math.min(inFlight.count(), max), max, pending: Math.max(0, inFlight.count() - max) }),
      migrate: async ({ migrationsFolder, migrationsSchema }) => {
        await client.unsafe(`create schema if not exists "${migrationsSchema}"`);
        await migratePostgres(drizzlePostgres(client), {
          migrationsFolder,
          migrationsSchema,
          migrationsTable: 'migrations',
        });
      },
    };
  }
  // Imported here, not at the top: a service on Postgres never loads PGlite and its drizzle driver
  // (a bundle split into chunks does not even read them, see scripts/ci/build-service.ts).
  const [{ drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const owned = !pglite;
  if (!pglite) {
    if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    pglite = new PGlite(dataDir, { extensions: { pg_trgm: await pgTrgm() } });
  }
  const client = pglite;
  await client.waitReady;
  for (const [name, value] of Object.entries(sessionSettings)) await client.exec(`set ${name} = '${value}'`);
  const db = drizzlePglite(client) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (owned) await client.close();
    },
    poolStats: () => ({ inUse: 0, max: 1, pending: 0 }),
    migrate: async ({ migrationsFolder, migrationsSchema }) => {
      await client.exec(`create schema if not exists "${migrationsSchema}"`);
      await migratePglite(drizzlePglite(client), { migrationsFolder, migrationsSchema, migrationsTable: 'migrations' });
    },
  };
}

/**
 * postgres.js keeps its pool private, so usage is measured where drizzle enters it: every top-level
 * `unsafe` query and every `begin` transaction (which holds one connection until it settles) counts
 * as in flight until its promise settles. Queries inside a transaction use the transaction's own
 * handle and are not counted twice. The settle hook uses the base `Promise.prototype.then`, because
 * postgres.js' own `then` would start a lazy query early.
 */
function trackInFlight<T extends object>(client: T, methods: string[]) {
  let active = 0;
  const done = () => {
    active--;
  };
  const proxy = new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !methods.includes(key) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const pending = value.apply(target, args);
        active++;
        Promise.prototype.then.call(pending, done, done);
        return pending;
      };
    },
  });
  return { client: proxy, count: () => active };
}

/**
 * Every statement drizzle sends is prepared (named, parsed and planned once per connection, its
 * parameter types known). drizzle sends its queries unnamed (`prepare: false`), and for an unnamed
 * statement with parameters postgres.js first asks the server to describe it: an extra round trip
 * and a parse on every query. Statements are cached per connection by their text, so their number
 * is bounded by the query shapes the code can build (filters × sort keys for lists).
 */
function preparedByDefault<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (key === 'unsafe') {
        return (query: string, params?: unknown[], options?: object) =>
          value.call(target, query, params, { ...options, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') {
        // The transaction's own handle (the callback's argument) gets the same treatment.
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const callback = args[last] as (tx: object) => unknown;
          args[last] = (tx: object) => callback(preparedByDefault(tx));
          return value.apply(target, args);
        };
      }
      return value;
    },
  });
}

/**
 * Runs one hand-written statement (`$1…$n` placeholders) on a drizzle handle or transaction,
 * prepared on postgres.js, and returns its rows as the driver gives them (timestamps: text from
 * postgres.js, Dates from PGlite). For
 * the hot paths where building the statement through drizzle costs more than running it.
 * Parameters go to the driver as they are: ISO strings for timestamps, JSON text for json(b).
 *
 * @example
 * const [row] = await queryRows<{ n: number }>(db, 'select $1::int as n', [1])
 */
export async function queryRows<T>(executor: Executor, text: string, params: unknown[]): Promise<T[]> {
  // drizzle keeps the driver's handle on its session: the pool or a transaction (postgres.js), the
  // PGlite instance or its transaction. Not public API; packages/db's tests pin it for both drivers.
  const client = (executor as unknown as { session: { client: RawClient } }).session.client;
  if ('unsafe' in client) return (await client.unsafe(text, params, { prepare: true })) as T[];
  return (await client.query(text, params)).rows as T[];
}
type RawClient =
  | { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> }
  | { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };

/** Rows of a raw `db.execute()` result, whichever driver produced it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The Postgres error code of a (possibly drizzle-wrapped) driver error, e.g. `23505`. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
export { sql };
export { registerDbPoolMetrics } from './pool-metrics.ts';
