import { apiService } from '@tasktide/api/definition';
import { auditService } from '@tasktide/audit/definition';
import { notifierService } from '@tasktide/notifier/definition';
import type { ServiceDefinition } from '@tasktide/platform';
import { realtimeService } from '@tasktide/realtime/definition';
import { recurrenceService } from '@tasktide/recurrence/definition';

/**
 * Every service of the system, each with its one composition root, in start order. The one list the
 * local runs read: `bun dev` (system.ts) mounts them in one process, `bun run dev:dapr`
 * (scripts/dev-dapr.ts) starts each as its own process beside a daprd named by its appId, which is
 * also its folder under apps/. A new service is one entry here; scripts/ci/services-consistency.test.ts
 * fails until it is here, in the release matrix's source and in the Argo CD ApplicationSet.
 */
export const services: ServiceDefinition[] = [
  apiService,
  recurrenceService,
  notifierService,
  auditService,
  realtimeService,
] as ServiceDefinition[];
