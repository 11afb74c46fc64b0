/** The audit service as its own process (containers, dev:dapr). `bun dev` mounts its module instead. */
import { runService } from '@tasktide/platform';
import { auditService } from './definition.ts';

await runService(auditService);
