/** Standalone migration entry: `bun apps/audit/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */
import { runMigrations } from '@tasktide/platform';
import { auditService } from './definition.ts';

await runMigrations(auditService);
