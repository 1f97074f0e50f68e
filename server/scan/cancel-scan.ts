import { eq } from 'drizzle-orm';
import { scans } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { PreconditionError } from '../errors';
import { appendEvent } from '../events/outbox';
import { requestCancel } from '../jobs/queue';
import { scanById } from './queries';

/**
 * Cancels a scan: a running one stops at its next step (the worker finishes it as cancelled); one
 * still waiting in the queue never starts and is recorded as cancelled at once — before, its job was
 * cancelled but the scan stayed "queued" for good.
 */
export function cancelScan(ctx: AppContext, scanId: number) {
  const scan = scanById(ctx.db, scanId);
  if (!scan.jobId || (scan.status !== 'queued' && scan.status !== 'running')) throw new PreconditionError(`Scan ${scan.id} is not running (${scan.status})`);
  const now = ctx.clock.now();
  const job = requestCancel(ctx.db, scan.jobId, now);
  if (job.status === 'cancelled' && scan.status === 'queued')
    writeTx(ctx.db, (tx) => {
      tx.update(scans).set({ status: 'cancelled', phase: 'cancelled', finishedAt: now }).where(eq(scans.id, scan.id)).run();
      appendEvent(tx, 'library:directory:scan:complete', { directoryId: scan.directoryId, scanId: scan.id, status: 'cancelled', stats: { ...scan.stats } }, now);
    });
  return { scanId: scan.id, cancelRequested: true };
}
