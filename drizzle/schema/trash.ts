import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';
import type { CleanupSnapshot } from './library-cleanups';

/**
 * A file in a library folder's trash (`<folder>/.mismo-trash/…`): where it came from, and the
 * library rows it had (track, cues, playlist entries) so restoring it brings them back.
 */
export const trashItems = sqliteTable(
  'trash_items',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    directoryId: text().notNull(),
    originalRelPath: text().notNull(),
    trashRelPath: text().notNull(),
    sizeBytes: integer().notNull(),
    trackId: text(),
    title: text(),
    artist: text(),
    /** Why it is here: deleted by the DJ, or a duplicate copy removed by a resolution. */
    reason: text({ enum: ['deleted', 'duplicate'] }).notNull(),
    resolutionId: integer(),
    snapshot: text({ mode: 'json' }).$type<CleanupSnapshot>(),
    operationId: integer(),
    trashedAt: ms().notNull(),
    restoredAt: ms(),
    purgedAt: ms(),
  },
  (t) => [index('trash_items_live_idx').on(t.purgedAt, t.restoredAt, t.trashedAt)],
);

export type TrashItem = typeof trashItems.$inferSelect;
