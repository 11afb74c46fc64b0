import fc from 'fast-check';
import { compareAudit } from './check.ts';
import { allCommands, note, Register, type World } from './commands.ts';
import type { Driver } from './driver.ts';
import { ReferenceModel } from './reference.ts';

export interface ModelCheckOptions {
  seed: number;
  /** Command sequences to try (each on fresh users of the same running system). */
  numRuns: number;
  /** Longest sequence. */
  maxCommands: number;
  /** Give up shrinking a failure after this long (the counterexample so far is still printed). */
  shrinkBudgetMs?: number;
}

export interface ModelCheckReport {
  seed: number;
  sequences: number;
  commands: number;
  seconds: number;
  /** What the commands exercised, e.g. reminders delivered, next occurrences created. */
  seen: Record<string, number>;
}

/**
 * Runs random command sequences against the system and the reference model side by side and
 * throws fast-check's report on the first disagreement: the shrunk sequence, the seed and the
 * path to replay it (`bun run check:model --seed <seed> --path <path>`).
 */
export async function runModelCheck(
  driver: Driver,
  { seed, numRuns, maxCommands, shrinkBudgetMs = 120_000, path }: ModelCheckOptions & { path?: string },
): Promise<ModelCheckReport> {
  const world: World = { driver, run: '', executed: 0, seen: {} };
  let sequences = 0;
  const started = performance.now();
  let failedAt = 0;
  await fc.assert(
    // A plain array (not fc.commands): long sequences are the point; shrinking drops commands.
    fc.asyncProperty(fc.array(fc.oneof(...allCommands), { maxLength: maxCommands, size: 'max' }), async (commands) => {
      if (failedAt && performance.now() - failedAt > shrinkBudgetMs) return; // stop shrinking
      sequences++;
      world.run = `s${sequences}-${crypto.randomUUID().slice(0, 8)}`;
      await driver.settle();
      const model = new ReferenceModel(driver.now());
      try {
        for (const zone of ['Europe/Berlin', 'America/New_York']) await new Register(zone).run(model, world);
        await fc.asyncModelRun(() => ({ model, real: world }), commands);
        note(world, 'next occurrences created', model.adopted);
        await driver.settle();
        for (const user of model.users) await compareAudit(driver, user);
      } catch (err) {
        failedAt ||= performance.now();
        throw err;
      }
    }),
    { seed, numRuns, path, endOnFailure: false },
  );
  return {
    seed,
    sequences,
    commands: world.executed,
    seconds: (performance.now() - started) / 1000,
    seen: world.seen,
  };
}
