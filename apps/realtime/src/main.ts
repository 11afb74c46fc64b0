/** The realtime service as its own process (containers, dev:dapr). `bun dev` mounts its module instead. */
import { runService } from '@tasktide/platform';
import { realtimeService } from './definition.ts';

await runService(realtimeService);
