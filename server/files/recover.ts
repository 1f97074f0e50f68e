import fs from 'node:fs/promises';
import { and, eq, isNotNull } from 'drizzle-orm';
import { fileOperations, type FileOperation } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { errorMessage } from '../errors';
import { writeTx } from '../db/tx';
import { hashWholeFile, sizeOf, unreserve } from './disk';
import { commit } from './execute';
import { journalEnd, queueBatchJob, unfinishedOperations } from './journal';

export interface RecoveryReport {
  completed: number[];
  rolledBack: number[];
  /** Left alone for a person to look at (both copies kept). */
  needsAttention: number[];
  requeuedBatches: string[];
}

/**
 * Run at worker start, before any job: every operation a crash interrupted is finished (the file
 * already reached its destination) or undone (it had not), so each file ends up exactly once,
 * where the database says it is. Batches with operations still waiting get their job back.
 */
export async function recoverOperations(ctx: AppContext): Promise<RecoveryReport> {
  const report: RecoveryReport = { completed: [], rolledBack: [], needsAttention: [], requeuedBatches: [] };
  for (const op of unfinishedOperations(ctx.db)) {
    try {
      const outcome = await recoverOne(ctx, op);
      report[outcome].push(op.id);
    } catch (e) {
      ctx.log.error({ err: e, operationId: op.id }, 'file operation could not be recovered');
      journalEnd(ctx.db, op, 'failed', ctx.clock.now(), { error: `interrupted, and could not be recovered: ${errorMessage(e)} (both copies kept)` });
      report.needsAttention.push(op.id);
    }
  }
  report.requeuedBatches = requeueWaitingBatches(ctx);
  if (report.completed.length + report.rolledBack.length + report.needsAttention.length) ctx.log.warn(report, 'file operations interrupted by a stop were recovered');
  return report;
}

async function recoverOne(ctx: AppContext, op: FileOperation): Promise<'completed' | 'rolledBack' | 'needsAttention'> {
  const now = () => ctx.clock.now();
  const srcSize = await sizeOf(op.srcPath);
  const rollBack = async () => {
    if (op.meta.tempPath) await fs.rm(op.meta.tempPath, { force: true });
    if (op.dstPath && srcSize !== null) await unreserve(op.dstPath);
    journalEnd(ctx.db, op, 'rolled_back', now(), { error: 'interrupted by a stop before the file was moved; nothing changed', meta: { ...op.meta, recovered: 'rolled_back' } });
    return 'rolledBack' as const;
  };
  const finish = async (removeSource: boolean) => {
    const marked = { ...op, meta: { ...op.meta, recovered: 'completed' as const } };
    ctx.db.update(fileOperations).set({ meta: marked.meta }).where(eq(fileOperations.id, op.id)).run();
    const row = op.step === 'committed' ? marked : await commit(ctx, marked, removeSource ? 'committed' : 'done');
    if (removeSource) {
      await fs.rm(op.srcPath, { force: true });
      journalEnd(ctx.db, row, 'done', now());
    }
    return 'completed' as const;
  };

  if (op.kind === 'delete' || op.kind === 'purge') return srcSize === null ? finish(false) : rollBack();

  const dstSize = op.dstPath ? await sizeOf(op.dstPath) : null;
  switch (op.step) {
    case 'started':
    case 'reserved':
      // same-device moves rename in one step: either the file is still at the source, or at the destination
      if (srcSize !== null) return rollBack();
      if (dstSize !== null && dstSize === op.sizeBytes) return finish(false);
      break;
    case 'copying':
    case 'copied':
      if (srcSize !== null) return rollBack();
      break;
    case 'placed':
      if (srcSize === null) return dstSize === op.sizeBytes ? finish(false) : 'needsAttention';
      if (op.fullHash && (await hashWholeFile(op.dstPath!)) === op.fullHash) return finish(true);
      // the copy is not good: the original is intact, so the copy goes
      await fs.rm(op.dstPath!, { force: true });
      return rollBack();
    case 'committed':
      if (dstSize === op.sizeBytes) return finish(srcSize !== null);
      break;
  }
  journalEnd(ctx.db, op, 'failed', now(), { error: `interrupted at "${op.step}"; the file was not where expected, nothing was removed` });
  return 'needsAttention';
}

/** Batches with pending operations whose job is gone (e.g. it failed) get a new job. */
function requeueWaitingBatches(ctx: AppContext): string[] {
  const batches = ctx.db
    .selectDistinct({ batchId: fileOperations.batchId })
    .from(fileOperations)
    .where(and(eq(fileOperations.status, 'pending'), isNotNull(fileOperations.batchId)))
    .all()
    .map((r) => r.batchId!);
  return batches.filter((batchId) => writeTx(ctx.db, (tx) => queueBatchJob(tx, batchId, ctx.clock.now()).created));
}
