import { describe, expect, test } from 'bun:test';
import { stackEnabled } from '@tasktide/local-stack';
import { realTimeProfile } from './commands.ts';
import { stackDriver } from './driver-stack.ts';
import { runModelCheck } from './run.ts';

// The same model check on the real stack: daprd per app, Kafka, the Dapr scheduler, Postgres, real
// time. Shorter sequences (each waits out its reminders, 8–20 s ahead), no clock jumps or restarts.
describe.skipIf(!stackEnabled)('lifecycle model check (real stack)', () => {
  test('every step agrees with the reference model', async () => {
    const driver = await stackDriver();
    try {
      const report = await runModelCheck(driver, {
        seed: 20_261_205,
        numRuns: 5,
        minCommands: 12,
        maxCommands: 16,
        profile: realTimeProfile,
        // Each step waits on real time: the sequence is reported as it failed, not shrunk.
        shrinkBudgetMs: 0,
      });
      console.log(
        `model check on ${driver.kind}: ${report.commands} commands in ${report.sequences} sequences, ` +
          `${report.seconds.toFixed(1)} s (seed ${report.seed})\n${JSON.stringify(report.seen)}`,
      );
      expect(report.commands).toBeGreaterThan(30);
    } finally {
      await driver.close();
    }
  }, 600_000);
});
