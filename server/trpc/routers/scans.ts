import { cancelScan } from '../../scan/cancel-scan';
import { z } from 'zod';
import { activeScans, scanHistory, scanStatus } from '../../scan/queries';
import { ScanHistoryInput, ScanIdInput, ScanStatusInput, StartScanInput } from '../../scan/schemas';
import { startScan } from '../../scan/start-scan';
import { procedure, router } from '../init';

export const scansRouter = router({
  /** Queues a scan; a folder already being scanned returns the running scan instead. */
  start: procedure.input(StartScanInput).mutation(({ ctx, input }) => {
    const r = startScan(ctx.app, input, 'user');
    return { scanId: r.scan.id, jobId: r.job.id, created: r.created, status: r.scan.status };
  }),
  status: procedure.input(ScanStatusInput).query(({ ctx, input }) => scanStatus(ctx.app.db, input.directoryId)),
  active: procedure.input(z.object({}).optional()).query(({ ctx }) => activeScans(ctx.app.db)),
  history: procedure.input(ScanHistoryInput).query(({ ctx, input }) => scanHistory(ctx.app.db, input)),
  /** Cancels a running scan (it stops at its next step) or a queued one (it never starts). */
  cancel: procedure.input(ScanIdInput).mutation(({ ctx, input }) => cancelScan(ctx.app, input.scanId)),
});
