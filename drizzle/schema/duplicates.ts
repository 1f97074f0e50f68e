import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/** Tracks sharing one audio hash. */
export const duplicateGroups = sqliteTable('duplicate_groups', {
  id: integer().primaryKey({ autoIncrement: true }),
  audioHash: text().notNull().unique(),
  canonicalTrackId: text(),
  memberCount: integer().notNull().default(0),
  status: text({ enum: ['open', 'resolved'] })
    .notNull()
    .default('open'),
  resolvedAt: ms(),
  createdAt: ms().notNull(),
  updatedAt: ms().notNull(),
});

/** One entry per resolution, with what is needed to undo it. */
export const duplicateResolutions = sqliteTable('duplicate_resolutions', {
  id: integer().primaryKey({ autoIncrement: true }),
  groupId: integer().notNull(),
  audioHash: text().notNull(),
  canonicalTrackId: text().notNull(),
  fileAction: text({ enum: ['keep', 'trash', 'delete'] }).notNull(),
  plan: text({ mode: 'json' }).$type<unknown>().notNull(),
  snapshot: text({ mode: 'json' }).$type<unknown>().notNull(),
  status: text({ enum: ['applied', 'undone', 'failed'] }).notNull(),
  /** The file operations (trash / delete of the other copies) this resolution queued. */
  batchId: text(),
  createdAt: ms().notNull(),
  undoneAt: ms(),
});

export type DuplicateGroup = typeof duplicateGroups.$inferSelect;
