import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/embedded/schema.ts',
  out: './drizzle',
  schemaFilter: ['embedded'],
});
