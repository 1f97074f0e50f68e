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
    kind: text({ enum: ['move', 'rename', 'trash', 'delete', 'restore', 'purge'] }).notNull(),
    trackId: text(),
    status: text({ enum: ['pending', 'in_progress', 'done', 'failed', 'rolled_back', 'cancelled'] }).notNull(),
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
    /** Kind-specific facts: permanent delete, trash item, duplicate resolution, why it was planned. */
    meta: text({ mode: 'json' }).$type<FileOperationMeta>().notNull().default({}),
    /** Order inside its batch. */
    seq: integer().notNull().default(0),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
    finishedAt: ms(),
  },
  (t) => [index('file_operations_status_idx').on(t.status), index('file_operations_batch_idx').on(t.batchId)],
);

export interface FileOperationMeta {
  /** For delete: unlink instead of moving to the trash. */
  permanent?: boolean;
  trashItemId?: number;
  resolutionId?: number;
  /** For a file whose library row is already gone (a resolved duplicate): no track to update. */
  fileOnly?: boolean;
  /** What the file was, for a trash item whose track row is already gone (a resolved duplicate). */
  title?: string | null;
  artist?: string | null;
  /** Where the bytes were copied first when the destination is on another device. */
  tempPath?: string;
  /** Set when a crash left the operation half done and the next start finished or undid it. */
  recovered?: 'completed' | 'rolled_back';
}

export type FileOperation = typeof fileOperations.$inferSelect;
