import { and, eq } from 'drizzle-orm';
import { scans } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { PreconditionError } from '../errors';
import { appendEvent } from '../events/outbox';
import { requestCancel } from '../jobs/queue';
import { scanById } from './queries';

/**
 * Cancels a job, from the Activity page or a folder card alike: a running one stops at its next
 * step; one still waiting in the queue never starts — and when it is a scan, the scan is recorded as
 * cancelled at once too (before, its job was cancelled but the scan stayed "queued" for good).
 */
export function cancelJob(ctx: AppContext, jobId: number) {
  const now = ctx.clock.now();
  const job = requestCancel(ctx.db, jobId, now);
  if (job.status !== 'cancelled' || job.kind !== 'library.scan') return job;
  const { scanId } = job.payload as { scanId: number };
  writeTx(ctx.db, (tx) => {
    const scan = tx
      .update(scans)
      .set({ status: 'cancelled', phase: 'cancelled', finishedAt: now })
      .where(and(eq(scans.id, scanId), eq(scans.status, 'queued')))
      .returning()
      .get();
    if (scan) appendEvent(tx, 'library:directory:scan:complete', { directoryId: scan.directoryId, scanId: scan.id, status: 'cancelled', stats: { ...scan.stats } }, now);
  });
  return job;
}

/** Cancels a scan (see cancelJob). */
export function cancelScan(ctx: AppContext, scanId: number) {
  const scan = scanById(ctx.db, scanId);
  if (!scan.jobId || (scan.status !== 'queued' && scan.status !== 'running')) throw new PreconditionError(`Scan ${scan.id} is not running (${scan.status})`);
  cancelJob(ctx, scan.jobId);
  return { scanId: scan.id, cancelRequested: true };
}
