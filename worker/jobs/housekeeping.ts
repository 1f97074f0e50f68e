import { writeTx } from '@/server/db/tx';
import { pruneEvents } from '@/server/events/outbox';
import { pruneJobs } from '@/server/jobs/queue';
import { finalizeIdleSessions } from '@/server/sessions/plays';
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

/** DJ sessions idle longer than the setting are finalised (read-only from then on). */
export const finalizeSessionsJob = defineJob<'sessions.finalizeIdle'>({
  concurrency: () => 1,
  async run({ ctx }) {
    const ended = writeTx(ctx.db, (tx) => finalizeIdleSessions(tx, ctx.clock.now(), ctx.settings.get('sessions.inactivityHours')));
    return { outcome: ended.length ? 'done' : 'skipped', result: { finalized: ended.length } };
  },
});
