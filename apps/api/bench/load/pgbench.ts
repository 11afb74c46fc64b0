/**
 * Postgres alone, replaying the api's own statements with pgbench: the ceiling of the SQL the api
 * sends, prepared (parse and plan once per connection) and unprepared (extended protocol, parsed
 * every time — what the api paid while its statements were unnamed).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgbenchScript {
  /** The script: `:name` variables, `\set` lines for per-transaction randoms. */
  text: string;
  /** Values for `-D name=value` (strings and numbers the api binds as parameters). */
  vars: Record<string, string>;
}

/** pgbench of the installed PostgreSQL (Debian puts the versioned one under /usr/lib/postgresql). */
export function pgbenchBinary(): string {
  for (const v of ['17', '16', '15']) {
    const path = `/usr/lib/postgresql/${v}/bin/pgbench`;
    if (Bun.file(path).size) return path;
  }
  const onPath = Bun.which('pgbench');
  if (!onPath) throw new Error('pgbench not found (it comes with the postgresql package)');
  return onPath;
}

/**
 * Turns a statement with `$1…$n` placeholders (drizzle's `toSQL()`) into a pgbench line whose
 * parameters are `-D` variables named `<prefix><n>`; `uuids` names parameters that must be fresh
 * per transaction (bound to a UUID built from two `\set` randoms).
 */
export function replay(
  statement: { sql: string; params: unknown[] },
  prefix: string,
  fresh: Record<number, string> = {},
): PgbenchScript {
  const vars: Record<string, string> = {};
  const text = statement.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n);
    if (fresh[i]) return fresh[i];
    const value = statement.params[i - 1];
    if (value === null || value === undefined) return 'null';
    // pgbench refuses an empty -D value: the empty string goes in as a literal.
    if (value === '') return "''";
    vars[`${prefix}${i}`] = Array.isArray(value)
      ? `{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`
      : value instanceof Date
        ? value.toISOString()
        : String(value);
    return `:${prefix}${i}`;
  });
  return { text: `${text.replace(/\s+/g, ' ')};`, vars };
}

/** A UUID made of two 63-bit randoms (pgbench variables are numbers); `\set` lines come first. */
export const randomUuid = (a: string, b: string) =>
  `(lpad(to_hex(:${a}::bigint), 16, '0') || lpad(to_hex(:${b}::bigint), 16, '0'))::uuid`;
export const randomSets = (...names: string[]) =>
  names.map((n) => `\\set ${n} random(1, 9223372036854775806)`).join('\n');

export interface PgbenchResult {
  transactions: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number;
  failed: number;
}

export async function runPgbench(opts: {
  url: string;
  script: PgbenchScript;
  mode: 'prepared' | 'extended';
  clients: number;
  seconds: number;
  /** Session settings, as the api's connections have them (`-c name=value` in PGOPTIONS). */
  settings?: Record<string, string>;
}): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tasktide-pgbench-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, `${opts.script.text}\n`);
  const defines = Object.entries(opts.script.vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
  const proc = Bun.spawn(
    [
      pgbenchBinary(),
      '-n',
      '-c',
      String(opts.clients),
      '-j',
      '1',
      '-T',
      String(opts.seconds),
      '-M',
      opts.mode,
      '-f',
      file,
      ...defines,
      opts.url,
    ],
    {
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        ...process.env,
        PGOPTIONS: Object.entries(opts.settings ?? {})
          .map(([k, v]) => `-c ${k}=${v}`)
          .join(' '),
      },
    },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const transactions = num(/number of transactions actually processed: (\d+)/);
  if (code !== 0 || !Number.isFinite(transactions)) throw new Error(`pgbench failed (${code}): ${err || out}`);
  return {
    transactions,
    seconds: opts.seconds,
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    latencyAvgMs: num(/latency average = ([\d.]+) ms/),
    failed: num(/number of failed transactions: (\d+)/) || 0,
  };
}
