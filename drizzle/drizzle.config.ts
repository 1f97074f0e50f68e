import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  casing: 'snake_case',
  schema: './drizzle/schema/index.ts',
  out: './drizzle/migrations',
  // FTS5 tables are created by a hand-written migration; drizzle-kit must never touch them.
  tablesFilter: ['!tracks_fts*'],
});
