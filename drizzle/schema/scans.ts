import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';
import { libraryDirectories } from './library-directories';

/** History and statistics of every scan. */
export const scans = sqliteTable(
  'scans',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    directoryId: text()
      .notNull()
      .references(() => libraryDirectories.id, { onDelete: 'cascade' }),
    jobId: integer(),
    strategy: text({ enum: ['hybrid', 'full', 'fast'] }).notNull(),
    /** Folder inside the directory ('' = all of it). */
    relPath: text().notNull().default(''),
    trigger: text({ enum: ['user', 'startup', 'watcher', 'media', 'system'] })
      .notNull()
      .default('user'),
    status: text({ enum: ['queued', 'running', 'completed', 'cancelled', 'failed'] }).notNull(),
    phase: text(),
    stats: text({ mode: 'json' }).$type<Record<string, number>>().notNull().default({}),
    /** Folders or files the walk could not read (first 100), e.g. permission denied. */
    issues: text({ mode: 'json' }).$type<{ relPath: string; problem: string }[]>().notNull().default([]),
    error: text(),
    startedAt: ms(),
    finishedAt: ms(),
    createdAt: ms().notNull(),
  },
  (t) => [index('scans_directory_idx').on(t.directoryId, t.createdAt)],
);

export type Scan = typeof scans.$inferSelect;
