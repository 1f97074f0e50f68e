import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { analysisJobs, audioAnalysis, stemSets, tracks } from '@/drizzle/schema';
import { cancelJobs, requestAnalysis, retryJobs } from '../../analysis/jobs';
import { unpackTimes, waveformLevels } from '../../analysis/results';
import { ANALYSIS_PRIORITY, StageSchema } from '../../analysis/schemas';
import type { Db } from '../../db/client';
import { writeTx } from '../../db/tx';
import { NotFoundError } from '../../errors';
import { enqueueJob } from '../../jobs/queue';
import { PRIORITY } from '../../jobs/catalogue';
import { currentWorker } from '../../system/worker-status';
import { procedure, router } from '../init';

const JobIds = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) });
const Target = z
  .object({
    trackIds: z.array(z.string().uuid()).max(100_000).optional(),
    directoryId: z.string().uuid().optional(),
    all: z.literal(true).optional(),
    stages: z.array(StageSchema).min(1).optional(),
    /** Analyse again even where results exist. */
    force: z.boolean().default(false),
  })
  .refine((t) => [t.trackIds, t.directoryId, t.all].filter((x) => x !== undefined).length === 1, 'give exactly one of trackIds, directoryId or all');

/** The cached stem set of an audio hash, as names the stems route serves. */
function stemsOf(db: Db, hash: string) {
  const s = db.select({ format: stemSets.format, files: stemSets.files, sizeBytes: stemSets.sizeBytes }).from(stemSets).where(eq(stemSets.audioHash, hash)).get();
  return s ? { format: s.format, names: Object.keys(s.files), sizeBytes: s.sizeBytes } : null;
}

export const analysisRouter = router({
  /** The queue: waiting, running, failed (with reasons), finished, newest first within each state. */
  queue: procedure
    .input(z.object({ status: z.enum(['queued', 'dispatched', 'completed', 'failed', 'cancelled', 'missing']).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => {
      const rows = ctx.app.db
        .select({
          id: analysisJobs.id,
          audioHash: analysisJobs.audioHash,
          status: analysisJobs.status,
          priority: analysisJobs.priority,
          stagesRequested: analysisJobs.stagesRequested,
          stagesDone: analysisJobs.stagesDone,
          attempts: analysisJobs.attempts,
          maxAttempts: analysisJobs.maxAttempts,
          serverUrl: analysisJobs.serverUrl,
          lastError: analysisJobs.lastError,
          dispatchedAt: analysisJobs.dispatchedAt,
          completedAt: analysisJobs.completedAt,
          updatedAt: analysisJobs.updatedAt,
          title: sql<string | null>`(SELECT coalesce(t.title, t.file_name) FROM tracks t WHERE t.audio_hash = analysis_jobs.audio_hash LIMIT 1)`,
          artist: sql<string | null>`(SELECT t.artist FROM tracks t WHERE t.audio_hash = analysis_jobs.audio_hash LIMIT 1)`,
          trackId: sql<string | null>`(SELECT t.id FROM tracks t WHERE t.audio_hash = analysis_jobs.audio_hash LIMIT 1)`,
        })
        .from(analysisJobs)
        .where(input.status ? eq(analysisJobs.status, input.status) : undefined)
        .orderBy(desc(analysisJobs.priority), desc(analysisJobs.updatedAt))
        .limit(input.limit)
        .all();
      return rows;
    }),
  counts: procedure.input(z.object({}).optional()).query(({ ctx }) => {
    const rows = ctx.app.db
      .select({ status: analysisJobs.status, n: sql<number>`count(*)` })
      .from(analysisJobs)
      .groupBy(analysisJobs.status)
      .all();
    const unanalysed = ctx.app.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks WHERE is_analyzed = 0 AND audio_hash IS NOT NULL AND is_missing = 0 AND is_broken = 0`).n;
    const by = new Map<string, number>(rows.map((r) => [r.status, r.n]));
    const n = (k: string) => by.get(k) ?? 0;
    return {
      queued: n('queued'),
      dispatched: n('dispatched'),
      completed: n('completed'),
      failed: n('failed'),
      cancelled: n('cancelled'),
      missing: n('missing'),
      unanalysedTracks: unanalysed,
    };
  }),
  /** Each configured server's health and the supervised process, as the worker last reported them. */
  servers: procedure.input(z.object({}).optional()).query(({ ctx }) => {
    const w = currentWorker(ctx.app.db, ctx.app.clock.now());
    const c = w.components.analysis as
      | {
          state: string;
          detail?: string;
          servers?: { url: string; state: string; detail: string | null; version: string | null; checkedAt: number | null }[];
          supervisor?: unknown;
        }
      | undefined;
    return {
      workerOnline: w.online,
      state: c?.state ?? (ctx.app.env.analysis.serverUrls.length ? 'unknown' : 'disabled'),
      detail: c?.detail ?? null,
      servers: c?.servers ?? ctx.app.env.analysis.serverUrls.map((url) => ({ url, state: 'unknown', detail: null, version: null, checkedAt: null })),
      supervisor: (c?.supervisor ?? null) as { state: string; detail: string | null; pid: number | null; restarts: number } | null,
      concurrency: ctx.app.env.analysis.concurrency,
    };
  }),
  /** Analyse a selection, a folder or everything; user requests go ahead of the backlog, stems ahead of everything. */
  request: procedure.input(Target).mutation(({ ctx, input }) => {
    const db = ctx.app.db;
    const where = input.trackIds ? inArray(tracks.id, input.trackIds) : input.directoryId ? eq(tracks.directoryId, input.directoryId) : sql`1 = 1`;
    const hashes = db
      .selectDistinct({ h: tracks.audioHash })
      .from(tracks)
      .where(and(where, sql`${tracks.audioHash} IS NOT NULL`, eq(tracks.isMissing, false), eq(tracks.isBroken, false)))
      .all()
      .map((r) => r.h!);
    if (input.trackIds?.length && hashes.length === 0) throw new NotFoundError('analysable track', input.trackIds.join(', '));
    const now = ctx.app.clock.now();
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
  }),
  retry: procedure.input(JobIds).mutation(({ ctx, input }) => ({ retried: retryJobs(ctx.app.db, input.ids, ctx.app.clock.now()) })),
  cancel: procedure.input(JobIds).mutation(({ ctx, input }) => {
    const now = ctx.app.clock.now();
    const running = cancelJobs(ctx.app.db, input.ids, now);
    const remote = running.filter((j) => j.serverUrl).map((j) => ({ serverUrl: j.serverUrl!, audioHash: j.audioHash }));
    if (remote.length) enqueueJob(ctx.app.db, 'analysis.control', { action: 'cancelRemote', remote }, { priority: PRIORITY.urgent }, now);
    return { cancelled: input.ids.length, running: running.length };
  }),
  /** Start, stop or restart the analysis server this install runs itself. */
  control: procedure.input(z.object({ action: z.enum(['start', 'stop', 'restart']) })).mutation(({ ctx, input }) => {
    const { job } = enqueueJob(ctx.app.db, 'analysis.control', { action: input.action, remote: [] }, { priority: PRIORITY.urgent }, ctx.app.clock.now());
    return { jobId: job.id };
  }),
  /** What the track page draws: results, beats and the stored waveform levels. */
  forTrack: procedure.input(z.object({ trackId: z.string().uuid() })).query(({ ctx, input }) => {
    const db = ctx.app.db;
    const t = db.select({ hash: tracks.audioHash, durationMs: tracks.durationMs }).from(tracks).where(eq(tracks.id, input.trackId)).get();
    if (!t) throw new NotFoundError('track', input.trackId);
    if (!t.hash) return { audioHash: null, analysis: null, job: null, waveform: [], stemWaveform: [], stems: null, beats: [], downbeats: [] };
    const a = db.select().from(audioAnalysis).where(eq(audioAnalysis.audioHash, t.hash)).get();
    const job = db
      .select({
        id: analysisJobs.id,
        status: analysisJobs.status,
        lastError: analysisJobs.lastError,
        stagesRequested: analysisJobs.stagesRequested,
        stagesDone: analysisJobs.stagesDone,
      })
      .from(analysisJobs)
      .where(eq(analysisJobs.audioHash, t.hash))
      .get();
    return {
      audioHash: t.hash,
      analysis: a
        ? {
            bpm: a.bpm,
            keyPitch: a.keyPitch,
            keyMode: a.keyMode,
            keyStrength: a.keyStrength,
            firstBeatOffset: a.firstBeatOffset,
            firstPhraseBeat: a.firstPhraseBeat,
            audibleStart: a.audibleStart,
            audibleEnd: a.audibleEnd,
            characteristics: a.characteristics,
            genre: a.genre,
            stagesDone: a.stagesDone,
            analysedAt: a.basicAt,
          }
        : null,
      job: job ?? null,
      waveform: waveformLevels(db, t.hash, 'main'),
      stemWaveform: waveformLevels(db, t.hash, 'stems'),
      stems: stemsOf(db, t.hash),
      beats: unpackTimes(a?.beats),
      downbeats: unpackTimes(a?.downbeats),
    };
  }),
});
