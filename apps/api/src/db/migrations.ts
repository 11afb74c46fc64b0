import { fileURLToPath } from 'node:url';

/** Where drizzle-kit wrote this app's SQL migrations, and the schema owning its journal. */
export const apiMigrations = {
  migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  migrationsSchema: 'api',
};
