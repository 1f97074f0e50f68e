import { z } from 'zod';
import { NotFoundError } from '../../errors';
import { jobById, jobCounts, listJobs } from '../../jobs/queries';
import { requestCancel, retryJob } from '../../jobs/queue';
import { JobIdInput, ListJobsInput } from '../../jobs/schemas';
import { procedure, router } from '../init';

export const jobsRouter = router({
  list: procedure.input(ListJobsInput).query(({ ctx, input }) => listJobs(ctx.app.db, input)),
  byId: procedure.input(JobIdInput).query(({ ctx, input }) => jobById(ctx.app.db, input.id) ?? notFound(input.id)),
  counts: procedure.input(z.object({}).optional()).query(({ ctx }) => jobCounts(ctx.app.db)),
  cancel: procedure.input(JobIdInput).mutation(({ ctx, input }) => requestCancel(ctx.app.db, input.id, ctx.app.clock.now())),
  retry: procedure.input(JobIdInput).mutation(({ ctx, input }) => retryJob(ctx.app.db, input.id, ctx.app.clock.now())),
});

function notFound(id: number): never {
  throw new NotFoundError('job', id);
}
