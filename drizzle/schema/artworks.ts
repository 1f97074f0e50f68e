import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/** Cover art, content-addressed by the XXH64 of the image bytes; stored once however many tracks use it. */
export const artworks = sqliteTable('artworks', {
  id: text().primaryKey(),
  mime: text().notNull(),
  width: integer(),
  height: integer(),
  sizeBytes: integer().notNull(),
  /** Relative to the data folder. */
  relPath: text().notNull(),
  thumbRelPath: text(),
  createdAt: ms().notNull(),
});

export type Artwork = typeof artworks.$inferSelect;
