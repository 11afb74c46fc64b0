/** Standalone migration entry: `bun apps/api/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */
import { runMigrations } from '@tasktide/platform';
import { apiService } from './definition.ts';

await runMigrations(apiService);
