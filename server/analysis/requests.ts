import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { NotFoundError } from '../errors';
import { PRIORITY } from '../jobs/catalogue';
import { enqueueJob } from '../jobs/queue';
import { cancelJobs, requestAnalysis } from './jobs';
import { ANALYSIS_PRIORITY, StageSchema } from './schemas';

export const AnalysisTarget = z
  .object({
    trackIds: z.array(z.string().uuid()).max(100_000).optional(),
    directoryId: z.string().uuid().optional(),
    all: z.literal(true).optional(),
    stages: z.array(StageSchema).min(1).optional(),
    /** Analyse again even where results exist. */
    force: z.boolean().default(false),
  })
  .refine((t) => [t.trackIds, t.directoryId, t.all].filter((x) => x !== undefined).length === 1, 'give exactly one of trackIds, directoryId or all');
export type AnalysisTarget = z.infer<typeof AnalysisTarget>;

/** Analyse a selection, a folder or everything; user requests go ahead of the backlog, stems ahead of everything. */
export function requestForTarget(ctx: AppContext, input: AnalysisTarget) {
  const db = ctx.db;
  const where = input.trackIds ? inArray(tracks.id, input.trackIds) : input.directoryId ? eq(tracks.directoryId, input.directoryId) : sql`1 = 1`;
  const hashes = db
    .selectDistinct({ h: tracks.audioHash })
    .from(tracks)
    .where(and(where, sql`${tracks.audioHash} IS NOT NULL`, eq(tracks.isMissing, false), eq(tracks.isBroken, false)))
    .all()
    .map((r) => r.h!);
  if (input.trackIds?.length && hashes.length === 0) throw new NotFoundError('analysable track', input.trackIds.join(', '));
  const now = ctx.clock.now();
  const priority = input.stages?.includes('stems') ? ANALYSIS_PRIORITY.engine : ANALYSIS_PRIORITY.user;
  let queued = 0;
  let alreadyDone = 0;
  writeTx(db, (tx) => {
    for (const h of hashes) {
      const r = requestAnalysis(tx, { audioHash: h, stages: input.stages, priority, force: input.force, waiter: { type: 'user', at: now } }, now);
      if (r.alreadyDone) alreadyDone++;
      else queued++;
    }
  });
  return { queued, alreadyDone };
}

/** Cancels jobs; the worker tells the server (or stops the built-in analysis) for those running. */
export function cancelForUser(ctx: AppContext, ids: number[]) {
  const now = ctx.clock.now();
  const running = cancelJobs(ctx.db, ids, now);
  const remote = running.filter((j) => j.serverUrl).map((j) => ({ serverUrl: j.serverUrl!, audioHash: j.audioHash }));
  if (remote.length) enqueueJob(ctx.db, 'analysis.control', { action: 'cancelRemote', remote }, { priority: PRIORITY.urgent }, now);
  return { cancelled: ids.length, running: running.length };
}
