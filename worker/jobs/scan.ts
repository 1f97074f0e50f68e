import { eq } from 'drizzle-orm';
import { scans } from '@/drizzle/schema';
import { PreconditionError, UnavailableError } from '@/server/errors';
import { runScan } from '@/server/scan/run-scan';
import { defineJob } from '../queue/define-job';

export const scanJob = defineJob<'library.scan'>({
  concurrency: (ctx) => ctx.settings.get('library.maxConcurrentScans'),
  retryBaseMs: 5_000,
  async run({ ctx, payload, signal, progress }) {
    const scanner = ctx.ports.scanner;
    if (!scanner) throw new UnavailableError('this process cannot scan');
    const r = await runScan(ctx, payload.scanId, {
      scanner,
      signal,
      onProgress: (s, phase) =>
        progress({
          done: s.processed,
          total: s.toProcess || null,
          message: `${phase} · ${s.found.toLocaleString()} found · ${s.added.toLocaleString()} added · ${s.updated.toLocaleString()} updated`,
          phase,
          stats: s,
        }),
    });
    // stopped by a worker shutdown: the job goes back to the queue, so the scan is waiting again
    if (signal.aborted && signal.reason === 'shutdown') ctx.db.update(scans).set({ status: 'queued', phase: 'interrupted' }).where(eq(scans.id, payload.scanId)).run();
    if (r.status === 'failed') throw new PreconditionError(r.error ?? 'scan failed');
    return { outcome: r.status === 'completed' ? 'done' : 'skipped', result: { status: r.status, stats: r.stats } };
  },
});
