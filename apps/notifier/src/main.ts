/** The notifier as its own process (containers, dev:dapr). */
import { runService } from '@tasktide/platform';
import { notifierService } from './definition.ts';

await runService(notifierService);
