import { z } from 'zod';
import { retryJobs } from '../../analysis/jobs';
import { analysisCounts, analysisProgress, analysisQueue, analysisServers, trackAnalysis } from '../../analysis/queries';
import { AnalysisTarget, cancelForUser, requestForTarget } from '../../analysis/requests';
import { PRIORITY } from '../../jobs/catalogue';
import { enqueueForUser } from '../../jobs/queue';
import { procedure, router } from '../init';

const JobIds = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) });

export const analysisRouter = router({
  /** The queue: waiting, running, failed (with reasons in plain words), finished, most urgent first. */
  queue: procedure
    .input(z.object({ status: z.enum(['queued', 'dispatched', 'completed', 'failed', 'cancelled', 'missing']).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => analysisQueue(ctx.app.db, input.status, input.limit)),
  counts: procedure.input(z.object({}).optional()).query(({ ctx }) => analysisCounts(ctx.app.db)),
  /** Analysed of all there is, the rate and the time left. */
  progress: procedure.input(z.object({}).optional()).query(({ ctx }) => analysisProgress(ctx.app.db, ctx.app.clock.now())),
  /** Who analyses (built-in or a server), each server's health and the supervised process. */
  servers: procedure.input(z.object({}).optional()).query(({ ctx }) => analysisServers(ctx.app)),
  request: procedure.input(AnalysisTarget).mutation(({ ctx, input }) => requestForTarget(ctx.app, input)),
  retry: procedure.input(JobIds).mutation(({ ctx, input }) => ({ retried: retryJobs(ctx.app.db, input.ids, ctx.app.clock.now()) })),
  cancel: procedure.input(JobIds).mutation(({ ctx, input }) => cancelForUser(ctx.app, input.ids)),
  /** Start, stop or restart the analysis server this install runs itself. */
  control: procedure
    .input(z.object({ action: z.enum(['start', 'stop', 'restart']) }))
    .mutation(({ ctx, input }) => ({ jobId: enqueueForUser(ctx.app, 'analysis.control', { action: input.action, remote: [] }, { priority: PRIORITY.urgent }).jobId })),
  /** What the track page draws: results with their source, the (corrected) grid and the stored waveform levels. */
  forTrack: procedure.input(z.object({ trackId: z.string().uuid() })).query(({ ctx, input }) => trackAnalysis(ctx.app.db, input.trackId)),
});
