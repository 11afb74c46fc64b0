import fc from 'fast-check';
import { compareAudit, compareInbox, compareTasks } from './check.ts';
import {
  commandsFor,
  note,
  type Profile,
  Register,
  refreshSessions,
  testClockProfile,
  type World,
} from './commands.ts';
import type { Driver } from './driver.ts';
import { ReferenceModel } from './reference.ts';

export interface ModelCheckOptions {
  seed: number;
  /** Command sequences to try (each on fresh users of the same running system). */
  numRuns: number;
  /** Longest sequence. */
  maxCommands: number;
  /** Shortest sequence (default 0; a floor keeps a short run from being mostly empty sequences). */
  minCommands?: number;
  /** Give up shrinking a failure after this long (the counterexample so far is still printed); 0: do not shrink. */
  shrinkBudgetMs?: number;
  /** Days on a test clock (default) or seconds of real time. */
  profile?: Profile;
}

/**
 * The end of every sequence: time runs past every reminder still owed (a jump of the test clock,
 * or waiting in real time), then inbox and tasks must agree once more.
 */
async function waitOutReminders(model: ReferenceModel, world: World) {
  const { driver } = world;
  const before = model.deliveries.length;
  // In real time only the reminders of the next minutes are waited for (a task due in two days
  // keeps its reminder for later); the test clock jumps past all of them.
  const horizon = driver.modelClock ? Number.POSITIVE_INFINITY : model.now + 2 * 60_000;
  const last = Math.max(
    0,
    ...[...model.tasks.values()].flatMap((t) =>
      [...t.live.values()].map((l) => l.remindAt).filter((at) => at <= horizon),
    ),
  );
  if (last > model.now) {
    const ms = last - model.now + (driver.modelClock ? 60_000 : 2_000);
    await driver.advance(ms);
    if (driver.modelClock) model.advance(ms);
  }
  if (!driver.modelClock) model.advance(Math.max(0, driver.now() - model.now));
  await refreshSessions(model, world);
  await driver.converge(async () => {
    for (const user of model.users) {
      await compareTasks(model, driver, user);
      await compareInbox(model, driver, user);
    }
  });
  note(world, 'reminders delivered', model.deliveries.length - before);
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
  {
    seed,
    numRuns,
    maxCommands,
    minCommands = 0,
    shrinkBudgetMs = 120_000,
    path,
    profile = testClockProfile,
  }: ModelCheckOptions & { path?: string },
): Promise<ModelCheckReport> {
  const world: World = { driver, run: '', executed: 0, seen: {} };
  let sequences = 0;
  const started = performance.now();
  let failedAt = 0;
  await fc.assert(
    // A plain array (not fc.commands): long sequences are the point; shrinking drops commands.
    fc.asyncProperty(
      fc.array(fc.oneof(...commandsFor(profile)), { minLength: minCommands, maxLength: maxCommands, size: 'max' }),
      async (commands) => {
        if (failedAt && performance.now() - failedAt > shrinkBudgetMs) return; // stop shrinking
        sequences++;
        world.run = `s${sequences}-${crypto.randomUUID().slice(0, 8)}`;
        await driver.settle();
        const model = new ReferenceModel(driver.now());
        try {
          for (const zone of ['Europe/Berlin', 'America/New_York']) await new Register(zone).run(model, world);
          await fc.asyncModelRun(() => ({ model, real: world }), commands);
          await waitOutReminders(model, world);
          note(world, 'next occurrences created', model.adopted);
          await refreshSessions(model, world);
          for (const user of model.users) await driver.converge(() => compareAudit(driver, user));
        } catch (err) {
          failedAt ||= performance.now();
          throw err;
        }
      },
    ),
    { seed, numRuns, path, endOnFailure: shrinkBudgetMs === 0 },
  );
  return {
    seed,
    sequences,
    commands: world.executed,
    seconds: (performance.now() - started) / 1000,
    seen: world.seen,
  };
}
