import { z } from 'zod';
import { NotFoundError } from '../../errors';
import { jobById, jobCounts, listJobs } from '../../jobs/queries';
import { retryJob } from '../../jobs/queue';
import { cancelJob } from '../../scan/cancel-scan';
import { JobIdInput, ListJobsInput } from '../../jobs/schemas';
import { procedure, router } from '../init';

export const jobsRouter = router({
  list: procedure.input(ListJobsInput).query(({ ctx, input }) => listJobs(ctx.app.db, input)),
  byId: procedure.input(JobIdInput).query(({ ctx, input }) => jobById(ctx.app.db, input.id) ?? notFound(input.id)),
  counts: procedure.input(z.object({}).optional()).query(({ ctx }) => jobCounts(ctx.app.db)),
  /** A scan waiting in the queue is recorded as cancelled with its job. */
  cancel: procedure.input(JobIdInput).mutation(({ ctx, input }) => cancelJob(ctx.app, input.id)),
  retry: procedure.input(JobIdInput).mutation(({ ctx, input }) => retryJob(ctx.app.db, input.id, ctx.app.clock.now())),
});

function notFound(id: number): never {
  throw new NotFoundError('job', id);
}
