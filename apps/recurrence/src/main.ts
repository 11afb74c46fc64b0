/** The recurrence service as its own process (containers, dev:dapr). */
import { runService } from '@tasktide/platform';
import { recurrenceService } from './definition.ts';

await runService(recurrenceService);
