import { fileURLToPath } from 'node:url';

export const notifierMigrations = {
  migrationsFolder: fileURLToPath(new URL('../../drizzle', import.meta.url)),
  migrationsSchema: 'notifier',
};
