/** Standalone migration entry for the notifier's schema (the PreSync hook Job runs this). */
import { runMigrations } from '@tasktide/platform';
import { notifierService } from './definition.ts';

await runMigrations(notifierService);
