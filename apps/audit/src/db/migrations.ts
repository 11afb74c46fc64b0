import { fileURLToPath } from 'node:url';

/** Where drizzle-kit wrote this app's SQL migrations, and the schema owning its journal. */
export const auditMigrations = {
  migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  migrationsSchema: 'audit',
};
