/**
 * Runs the lifecycle model check by hand: longer than the suite does, with another seed, or to
 * replay a failure the suite printed.
 *
 *   bun run check:model                          # the suite's seed and size
 *   bun run check:model --seed 7 --runs 50       # more sequences
 *   bun run check:model --seed 7 --path "3:1:0"  # replay a reported counterexample
 *   bun run check:model --db postgres            # on DATABASE_URL instead of PGlite
 */
import { parseArgs } from 'node:util';
import { embeddedDriver } from './driver.ts';
import { runModelCheck } from './run.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261205' },
    runs: { type: 'string', default: '12' },
    commands: { type: 'string', default: '60' },
    path: { type: 'string' },
    db: { type: 'string', default: 'pglite' },
  },
});
const number = (name: string, raw: string | undefined) => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number (got ${raw})`);
    process.exit(2);
  }
  return n;
};
if (values.db !== 'pglite' && values.db !== 'postgres') {
  console.error('--db is pglite or postgres');
  process.exit(2);
}
const driver = await embeddedDriver({ db: values.db });
try {
  const report = await runModelCheck(driver, {
    seed: number('seed', values.seed),
    numRuns: number('runs', values.runs),
    maxCommands: number('commands', values.commands),
    path: values.path,
  });
  console.log(
    `ok: ${report.commands} commands in ${report.sequences} sequences agreed with the model ` +
      `(${report.seconds.toFixed(1)} s, seed ${report.seed})\n${JSON.stringify(report.seen, null, 2)}`,
  );
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await driver.close();
}
