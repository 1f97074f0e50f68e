import { writeTx } from '@/server/db/tx';
import { pruneEvents } from '@/server/events/outbox';
import { pruneJobs } from '@/server/jobs/queue';
import { defineJob } from '../queue/define-job';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const pruneEventsJob = defineJob<'events.prune'>({
  concurrency: () => 1,
  async run({ ctx }) {
    const cutoff = ctx.clock.now() - ctx.settings.get('events.retentionHours') * HOUR;
    const deleted = writeTx(ctx.db, (tx) => pruneEvents(tx, cutoff));
    return { outcome: deleted ? 'done' : 'skipped', result: { deleted } };
  },
});

export const pruneJobsJob = defineJob<'jobs.prune'>({
  concurrency: () => 1,
  async run({ ctx }) {
    const deleted = pruneJobs(ctx.db, ctx.clock.now() - ctx.settings.get('jobs.retentionDays') * DAY);
    return { outcome: deleted ? 'done' : 'skipped', result: { deleted } };
  },
});
