import { Counter, Histogram, type Registry } from 'prom-client';

/** Reminder SLO metrics: never early, on time, exactly once. */
export function createReminderMetrics(registry: Registry) {
  const registers = [registry];
  return {
    scheduled: new Counter({
      name: 'tasktide_reminders_scheduled_total',
      help: 'Reminder jobs registered with the scheduler',
      registers,
    }),
    fired: new Counter({
      name: 'tasktide_reminders_fired_total',
      help: 'Reminder triggers by outcome (sent, cancelled, rescheduled_early, stale)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    lateness: new Histogram({
      name: 'tasktide_reminder_lateness_seconds',
      help: 'Send time minus reminder time for sent reminders (never negative: reminders are never sent early)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    missed: new Counter({
      name: 'tasktide_reminders_missed_total',
      help: 'Reminders whose trigger never came; sent late by the sweep',
      registers,
    }),
    duplicates: new Counter({
      name: 'tasktide_reminder_duplicate_triggers_total',
      help: 'Triggers for reminders already sent or cancelled (absorbed, not sent twice)',
      registers,
    }),
  };
}

export type ReminderMetrics = ReturnType<typeof createReminderMetrics>;
