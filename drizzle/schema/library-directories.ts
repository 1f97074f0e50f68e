import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { bool, ms } from './columns';

/** A folder the DJ keeps music in. Paths are realpaths; no two directories nest or repeat. */
export const libraryDirectories = sqliteTable('library_directories', {
  id: text().primaryKey(),
  path: text().notNull().unique(),
  name: text().notNull(),
  isActive: bool().notNull().default(true),
  isRemovable: bool().notNull().default(false),
  isAvailable: bool().notNull().default(true),
  /** Glob patterns (picomatch) relative to the directory; null means the default audio extensions. */
  includePatterns: text({ mode: 'json' }).$type<string[]>(),
  excludePatterns: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
  /** null: unlimited. 0: only files directly inside. */
  maxDepth: integer(),
  followSymlinks: bool().notNull().default(false),
  /** Higher wins when picking the canonical copy of a duplicate. */
  priority: integer().notNull().default(0),
  scanStatus: text({ enum: ['idle', 'queued', 'scanning', 'error'] })
    .notNull()
    .default('idle'),
  lastScanAt: ms(),
  lastScanId: integer(),
  /** Volume identity, so an unplugged drive is told apart from deleted files. */
  deviceId: text(),
  mountPoint: text(),
  fsUuid: text(),
  fsType: text(),
  availabilityCheckedAt: ms(),
  unavailableSince: ms(),
  availabilityError: text(),
  watchState: text({ enum: ['off', 'starting', 'watching', 'polling', 'error'] })
    .notNull()
    .default('off'),
  watchError: text(),
  lastChangeAt: ms(),
  createdAt: ms().notNull(),
  updatedAt: ms().notNull(),
});

export type LibraryDirectory = typeof libraryDirectories.$inferSelect;
export type NewLibraryDirectory = typeof libraryDirectories.$inferInsert;
