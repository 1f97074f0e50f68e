import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { fileOperations, type FileOperation, type FileOperationMeta } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';
import { PRIORITY } from '../jobs/catalogue';
import { enqueueJob, type EnqueueResult } from '../jobs/queue';

export type OperationKind = FileOperation['kind'];

export interface PlannedOperation {
  kind: OperationKind;
  trackId?: string | null;
  srcPath: string;
  dstPath?: string | null;
  srcDirectoryId: string;
  dstDirectoryId?: string | null;
  sizeBytes?: number | null;
  audioHash?: string | null;
  meta?: FileOperationMeta;
}

/** Writes a batch of operations to the journal as pending (inside the caller's transaction). */
export function journalBatch(tx: Executor, batchId: string, ops: PlannedOperation[], now: number): FileOperation[] {
  // a batch may be journaled in parts (resolving many groups): keep counting where it left off
  const first = tx
    .select({ n: sql<number>`count(*)` })
    .from(fileOperations)
    .where(eq(fileOperations.batchId, batchId))
    .get()!.n;
  return ops.map((op, i) =>
    tx
      .insert(fileOperations)
      .values({
        batchId,
        seq: first + i,
        kind: op.kind,
        trackId: op.trackId ?? null,
        status: 'pending',
        step: 'planned',
        srcPath: op.srcPath,
        dstPath: op.dstPath ?? null,
        srcDirectoryId: op.srcDirectoryId,
        dstDirectoryId: op.dstDirectoryId ?? null,
        sizeBytes: op.sizeBytes ?? null,
        audioHash: op.audioHash ?? null,
        meta: op.meta ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get(),
  );
}

/** Queues the job that carries out a batch; while one is queued or running, that one is returned. */
export function queueBatchJob(tx: Executor, batchId: string, now: number): EnqueueResult {
  return enqueueJob(tx, 'files.run', { batchId }, { priority: PRIORITY.user, dedupeKey: `files:${batchId}` }, now);
}

export function getOperation(ex: Executor, id: number): FileOperation | undefined {
  return ex.select().from(fileOperations).where(eq(fileOperations.id, id)).get();
}

/** Records a step (and any facts learned) before moving on to the next one. */
export function journalStep(ex: Executor, op: FileOperation, step: string, now: number, extra: Partial<FileOperation> = {}): FileOperation {
  return ex
    .update(fileOperations)
    .set({ status: 'in_progress', step, updatedAt: now, ...extra })
    .where(eq(fileOperations.id, op.id))
    .returning()
    .get();
}

export function journalEnd(
  ex: Executor,
  op: FileOperation,
  status: 'done' | 'failed' | 'rolled_back' | 'cancelled',
  now: number,
  extra: Partial<FileOperation> = {},
): FileOperation {
  const row = ex
    .update(fileOperations)
    .set({ status, updatedAt: now, finishedAt: now, ...extra })
    .where(eq(fileOperations.id, op.id))
    .returning()
    .get();
  const base = { operationId: op.id, kind: op.kind, batchId: op.batchId };
  if (status === 'done') appendEvent(ex, 'file_operation:complete', { ...base, trackId: op.trackId }, now);
  else appendEvent(ex, 'file_operation:failed', { ...base, error: row.error ?? status }, now);
  return row;
}

export function pendingInBatch(ex: Executor, batchId: string): FileOperation[] {
  return ex
    .select()
    .from(fileOperations)
    .where(and(eq(fileOperations.batchId, batchId), eq(fileOperations.status, 'pending')))
    .orderBy(asc(fileOperations.seq), asc(fileOperations.id))
    .all();
}

export function batchOperations(ex: Executor, batchId: string): FileOperation[] {
  return ex.select().from(fileOperations).where(eq(fileOperations.batchId, batchId)).orderBy(asc(fileOperations.seq), asc(fileOperations.id)).all();
}

export function cancelPending(ex: Executor, batchId: string, now: number): number {
  return ex
    .update(fileOperations)
    .set({ status: 'cancelled', error: 'cancelled before it started', updatedAt: now, finishedAt: now })
    .where(and(eq(fileOperations.batchId, batchId), eq(fileOperations.status, 'pending')))
    .run().changes;
}

export function unfinishedOperations(ex: Executor): FileOperation[] {
  return ex
    .select()
    .from(fileOperations)
    .where(inArray(fileOperations.status, ['in_progress']))
    .orderBy(asc(fileOperations.id))
    .all();
}
