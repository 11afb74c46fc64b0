/** Standalone migration entry: `bun apps/realtime/src/migrate.ts` (the Kubernetes PreSync hook Job runs this). */
import { runMigrations } from '@tasktide/platform';
import { realtimeService } from './definition.ts';

await runMigrations(realtimeService);
