import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { bool, ms } from './columns';

/** What a cleanup removed, exactly enough to put it back (undo). */
export interface CleanupSnapshot {
  tracks: Record<string, unknown>[];
  hotCues: Record<string, unknown>[];
  playlistEntries: Record<string, unknown>[];
}

/**
 * One run of "remove tracks that have been missing for N days": what it removed (a snapshot for
 * undo), where its metadata export went, and whether it was undone.
 */
export const libraryCleanups = sqliteTable('library_cleanups', {
  id: integer().primaryKey({ autoIncrement: true }),
  olderThanDays: integer().notNull(),
  trackCount: integer().notNull(),
  keptPlaylistEntries: bool().notNull(),
  /** The JSON export written before anything was removed (inside the data folder), if asked for. */
  exportPath: text(),
  snapshot: text({ mode: 'json' }).$type<CleanupSnapshot>().notNull(),
  jobId: integer(),
  createdAt: ms().notNull(),
  undoneAt: ms(),
});

export type LibraryCleanup = typeof libraryCleanups.$inferSelect;
