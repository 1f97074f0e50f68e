import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/** User-changeable settings; keys, types and defaults live in code (server/settings/registry.ts). */
export const settings = sqliteTable('settings', {
  key: text().primaryKey(),
  /** JSON text. */
  value: text().notNull(),
  updatedAt: ms().notNull(),
});

/** Small process-shared facts, e.g. the settings revision that invalidates caches in both processes. */
export const meta = sqliteTable('meta', {
  key: text().primaryKey(),
  value: text().notNull(),
});
