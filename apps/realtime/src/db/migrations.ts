import { fileURLToPath } from 'node:url';

/** Where drizzle-kit wrote realtime's SQL migrations, and the schema owning its journal. */
export const realtimeMigrations = {
  migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  migrationsSchema: 'realtime',
};
