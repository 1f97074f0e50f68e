import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/**
 * Journal of every move / rename / delete. Written before the operation starts and updated at each
 * step, so an interrupted operation is finished or rolled back at the next worker start.
 */
export const fileOperations = sqliteTable(
  'file_operations',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    batchId: text(),
    kind: text({ enum: ['move', 'rename', 'trash', 'delete', 'restore'] }).notNull(),
    trackId: text(),
    status: text({ enum: ['pending', 'in_progress', 'done', 'failed', 'rolled_back'] }).notNull(),
    step: text().notNull(),
    srcPath: text().notNull(),
    dstPath: text(),
    srcDirectoryId: text(),
    dstDirectoryId: text(),
    audioHash: text(),
    fullHash: text(),
    sizeBytes: integer(),
    error: text(),
    jobId: integer(),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
    finishedAt: ms(),
  },
  (t) => [index('file_operations_status_idx').on(t.status), index('file_operations_batch_idx').on(t.batchId)],
);

export type FileOperation = typeof fileOperations.$inferSelect;
