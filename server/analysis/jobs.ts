import crypto from 'node:crypto';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { analysisJobs, type AnalysisJob, type AnalysisWaiter } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { inWriteTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { ANALYSIS_PRIORITY, DEEP_STAGES, DEFAULT_STAGES, STAGES, type Stage } from './schemas';

const ACTIVE = ['queued', 'dispatched'] as const;
const union = (a: string[], b: string[]) => STAGES.filter((s) => a.includes(s) || b.includes(s));

export interface AnalysisRequest {
  audioHash: string;
  stages?: Stage[];
  priority: number;
  waiter?: AnalysisWaiter;
  /** Analyse again even if the stages are done (the user asked for a re-analysis). */
  force?: boolean;
  maxAttempts?: number;
  /** Only an analysis server may take it (a built-in result waiting to be replaced by the server's). */
  serverOnly?: boolean;
}

export type RequestOutcome = { job: AnalysisJob | undefined; created: boolean; alreadyDone: boolean };

/** Stages already analysed for a hash (from its results row). */
function doneStages(ex: Executor, hash: string): string[] {
  const r = (ex as Db).get<{ stages: string | null }>(sql`SELECT stages_done AS stages FROM audio_analysis WHERE audio_hash = ${hash}`);
  return r?.stages ? (JSON.parse(r.stages) as string[]) : [];
}

/** A job row waiting in the queue for these stages, as a request asks (no waiter yet). */
function queuedJob(stages: Stage[], req: Pick<AnalysisRequest, 'priority' | 'maxAttempts' | 'serverOnly'>, now: number) {
  return {
    status: 'queued' as const,
    priority: req.priority,
    stagesRequested: stages,
    stagesDone: [],
    stagesDispatched: [],
    attempts: 0,
    maxAttempts: req.maxAttempts ?? 3,
    nextAttemptAt: now,
    serverUrl: null,
    secret: null,
    waiters: [] as AnalysisWaiter[],
    serverOnly: Boolean(req.serverOnly),
    lastError: null,
    dispatchedAt: null,
    lastCallbackAt: null,
    serverDoneAt: null,
    completedAt: null,
    updatedAt: now,
  };
}

/**
 * Asks for analysis of one audio hash. There is one job per hash: a request for audio that already
 * has an active job merges into it (priority raised, stages added, waiter added); a finished job is
 * reopened for the stages it lacks; stages already analysed are not asked for again unless forced
 * (then `alreadyDone` tells the caller to answer its waiter at once).
 */
export function requestAnalysis(ex: Db | Executor, req: AnalysisRequest, now: number): RequestOutcome {
  const stages = req.stages?.length ? req.stages : DEFAULT_STAGES;
  return inWriteTx(ex as Db, (tx) => {
    const done = req.force ? [] : doneStages(tx, req.audioHash);
    const missing = stages.filter((s) => !done.includes(s));
    const existing = tx.select().from(analysisJobs).where(eq(analysisJobs.audioHash, req.audioHash)).get();
    if (missing.length === 0) return { job: existing, created: false, alreadyDone: true };
    const withWaiter = (w: AnalysisWaiter[]) => (req.waiter ? [...w.filter((x) => JSON.stringify(x) !== JSON.stringify(req.waiter)), req.waiter] : w);

    if (existing && (ACTIVE as readonly string[]).includes(existing.status)) {
      const job = tx
        .update(analysisJobs)
        .set({
          priority: Math.max(existing.priority, req.priority),
          stagesRequested: union(existing.stagesRequested, missing),
          // a forced re-analysis of a stage already done in this job runs it again
          stagesDone: req.force ? existing.stagesDone.filter((s) => !(missing as string[]).includes(s)) : existing.stagesDone,
          waiters: withWaiter(existing.waiters),
          // anyone may take it once anyone asks without the condition
          serverOnly: existing.serverOnly && Boolean(req.serverOnly),
          updatedAt: now,
        })
        .where(eq(analysisJobs.id, existing.id))
        .returning()
        .get();
      if (job.priority > existing.priority) appendEvent(tx, 'analysis:queued', { audioHashes: [req.audioHash], priority: job.priority }, now);
      return { job, created: false, alreadyDone: false };
    }
    const values = { ...queuedJob(missing, req, now), waiters: withWaiter([]) };
    const job = existing
      ? tx.update(analysisJobs).set(values).where(eq(analysisJobs.id, existing.id)).returning().get()
      : tx
          .insert(analysisJobs)
          .values({ ...values, audioHash: req.audioHash, createdAt: now })
          .returning()
          .get();
    appendEvent(tx, 'analysis:queued', { audioHashes: [req.audioHash], priority: job.priority }, now);
    return { job, created: !existing, alreadyDone: false };
  });
}

/**
 * A file the server can read for a hash: present, readable, in an active and available folder.
 * The unary pluses keep the planner on the audio_hash index whatever the statistics say (without
 * any, it took the is_missing index — half the library — and a claim at 100,000 tracks took seconds).
 */
export function playableFile(ex: Executor, hash: string): { trackId: string; filePath: string } | undefined {
  const r = (ex as Db).get<{ id: string; dir: string; rel: string }>(
    sql`SELECT t.id, d.path AS dir, t.rel_path AS rel FROM tracks t JOIN library_directories d ON d.id = t.directory_id
         WHERE t.audio_hash = ${hash} AND +t.is_missing = 0 AND +t.is_broken = 0 AND d.is_active = 1 AND d.is_available = 1
         ORDER BY d.priority DESC, t.date_added LIMIT 1`,
  );
  return r ? { trackId: r.id, filePath: path.join(r.dir, r.rel) } : undefined;
}

export interface Claimed {
  job: AnalysisJob;
  filePath: string;
  trackId: string;
}

/** What the built-in analyzer can do; the other stages (stems, genre, segments, transitions) need a server. */
export const BUILTIN_STAGES = ['basic_features', 'characteristics'] as const satisfies readonly Stage[];
export const BUILTIN_URL = 'builtin';

/** Jobs closed as missing in one claim at most (each is a query, an update and an event). */
export const MAX_CLOSED_PER_CLAIM = 10;

/**
 * Takes the most urgent waiting job for a server (or the built-in analyzer, `serverUrl` =
 * 'builtin', which takes only jobs with a stage it can do, and only those stages): stamps it
 * dispatched with a fresh callback secret. A job none of whose files is there any more is closed
 * as `missing` instead; after `MAX_CLOSED_PER_CLAIM` of those it returns nothing and says so in
 * `out.closed`, so one call never holds the worker long.
 */
export function claimNextJob(db: Db, serverUrl: string, now: number, out: { closed: number } = { closed: 0 }): Claimed | undefined {
  const builtin = serverUrl === BUILTIN_URL;
  out.closed = 0;
  return inWriteTx(db, (tx) => {
    for (;;) {
      // a whole unplugged drive's worth of jobs is closed a few at a time: the caller comes back
      if (out.closed >= MAX_CLOSED_PER_CLAIM) return undefined;
      const job = tx
        .select()
        .from(analysisJobs)
        .where(
          and(
            eq(analysisJobs.status, 'queued'),
            sql`${analysisJobs.nextAttemptAt} <= ${now}`,
            builtin
              ? sql`${analysisJobs.serverOnly} = 0 AND EXISTS (SELECT 1 FROM json_each(${analysisJobs.stagesRequested}) r
                     WHERE r.value IN ('basic_features', 'characteristics')
                       AND NOT EXISTS (SELECT 1 FROM json_each(${analysisJobs.stagesDone}) d WHERE d.value = r.value))`
              : undefined,
          ),
        )
        .orderBy(sql`${analysisJobs.priority} DESC, ${analysisJobs.createdAt}, ${analysisJobs.id}`)
        .limit(1)
        .get();
      if (!job) return undefined;
      const file = playableFile(tx, job.audioHash);
      if (!file) {
        tx.update(analysisJobs).set({ status: 'missing', lastError: 'Every file with this audio is missing', updatedAt: now }).where(eq(analysisJobs.id, job.id)).run();
        appendEvent(tx, 'analysis:failed', { audioHash: job.audioHash, error: 'Every file with this audio is missing', final: true }, now);
        out.closed++;
        continue;
      }
      const pending = job.stagesRequested.filter((s) => !job.stagesDone.includes(s) && (!builtin || (BUILTIN_STAGES as readonly string[]).includes(s)));
      const claimed = tx
        .update(analysisJobs)
        .set({
          status: 'dispatched',
          serverUrl,
          secret: crypto.randomBytes(18).toString('base64url'),
          stagesDispatched: pending.length ? pending : job.stagesRequested,
          attempts: job.attempts + 1,
          trackId: file.trackId,
          filePath: file.filePath,
          dispatchedAt: now,
          lastCallbackAt: null,
          serverDoneAt: null,
          updatedAt: now,
        })
        .where(eq(analysisJobs.id, job.id))
        .returning()
        .get();
      appendEvent(tx, 'analysis:started', { audioHash: job.audioHash, server: serverUrl }, now);
      return { job: claimed, ...file };
    }
  });
}

/**
 * A dispatch that did not work out (submit refused, failed stage, server silent too long): back in
 * the queue after an exponential backoff, or failed for good after the last attempt.
 */
export function failAttempt(
  ex: Db | Executor,
  jobId: number,
  error: string,
  now: number,
  opts: { retryBaseMs: number; countAttempt?: boolean; /** the file itself is the problem: no retry */ final?: boolean },
): AnalysisJob | undefined {
  return inWriteTx(ex as Db, (tx) => {
    const job = tx.select().from(analysisJobs).where(eq(analysisJobs.id, jobId)).get();
    if (!job || !(ACTIVE as readonly string[]).includes(job.status)) return job;
    const attempts = opts.countAttempt === false ? Math.max(0, job.attempts - 1) : job.attempts;
    const final = Boolean(opts.final) || attempts >= job.maxAttempts;
    const updated = tx
      .update(analysisJobs)
      .set({
        status: final ? 'failed' : 'queued',
        attempts,
        lastError: error,
        nextAttemptAt: final ? job.nextAttemptAt : now + opts.retryBaseMs * 2 ** Math.max(0, attempts - 1),
        updatedAt: now,
      })
      .where(eq(analysisJobs.id, jobId))
      .returning()
      .get();
    appendEvent(tx, 'analysis:failed', { audioHash: job.audioHash, error, final }, now);
    return updated;
  });
}

/** Records a stage as done; completes the job when every stage asked for is in. */
export function markStageDone(ex: Executor, job: AnalysisJob, stage: string, now: number): AnalysisJob {
  const stagesDone = job.stagesDone.includes(stage) ? job.stagesDone : union(job.stagesDone, [stage]);
  return (ex as Db).update(analysisJobs).set({ stagesDone, lastCallbackAt: now, updatedAt: now }).where(eq(analysisJobs.id, job.id)).returning().get();
}

/**
 * The callback secret stays valid after the dispatch ends, so a late replay of the same delivery is
 * accepted and changes nothing; a new dispatch (or a cancel) replaces it.
 *
 * Closes a dispatch whose stages are all in: completed, or queued again for stages merged in while
 * it ran. Returns what happened so the caller can notify waiters.
 */
export function settleJob(
  ex: Executor,
  job: AnalysisJob,
  now: number,
  opts: { serverDone?: boolean; force?: boolean } = {},
): { job: AnalysisJob; outcome: 'completed' | 'requeued' | 'waiting' } {
  const db = ex as Db;
  const missingDispatched = job.stagesDispatched.filter((s) => !job.stagesDone.includes(s));
  const missingRequested = job.stagesRequested.filter((s) => !job.stagesDone.includes(s));
  if (job.status !== 'dispatched') return { job, outcome: 'waiting' };
  const serverDone = Boolean(opts.serverDone || job.serverDoneAt || opts.force);
  // the server's slot stays taken until it says `job_completed` (or the grace runs out, see quietFinishedJobs)
  if (missingDispatched.length > 0 || !serverDone) {
    if (!opts.serverDone || job.serverDoneAt) return { job, outcome: 'waiting' };
    const updated = db.update(analysisJobs).set({ serverDoneAt: now, updatedAt: now }).where(eq(analysisJobs.id, job.id)).returning().get();
    return { job: updated, outcome: 'waiting' };
  }
  if (missingRequested.length > 0) {
    const updated = db
      .update(analysisJobs)
      .set({ status: 'queued', attempts: 0, nextAttemptAt: now, serverDoneAt: null, updatedAt: now })
      .where(eq(analysisJobs.id, job.id))
      .returning()
      .get();
    return { job: updated, outcome: 'requeued' };
  }
  const updated = db
    .update(analysisJobs)
    .set({ status: 'completed', waiters: [], completedAt: now, lastError: null, updatedAt: now })
    .where(eq(analysisJobs.id, job.id))
    .returning()
    .get();
  return { job: updated, outcome: 'completed' };
}

/** Dispatched jobs whose every stage is in but whose `job_completed` never came: done all the same. */
export function quietFinishedJobs(db: Db, now: number, graceMs: number): AnalysisJob[] {
  return db
    .select()
    .from(analysisJobs)
    .where(and(eq(analysisJobs.status, 'dispatched'), sql`${analysisJobs.serverDoneAt} IS NULL AND ${analysisJobs.lastCallbackAt} < ${now - graceMs}`))
    .all()
    .filter((j) => j.stagesDispatched.every((s) => j.stagesDone.includes(s)));
}

/** Dispatched jobs the server has gone quiet on, or finished without sending everything. */
export function stuckJobs(db: Db, now: number, opts: { processingTimeoutMs: number; graceMs: number }): AnalysisJob[] {
  return db
    .select()
    .from(analysisJobs)
    .where(
      and(
        eq(analysisJobs.status, 'dispatched'),
        sql`(coalesce(${analysisJobs.lastCallbackAt}, ${analysisJobs.dispatchedAt}) < ${now - opts.processingTimeoutMs}
             OR ${analysisJobs.serverDoneAt} < ${now - opts.graceMs})`,
      ),
    )
    .all();
}

/** Cancels jobs (waiting or running); returns the ones that were running, so the server can be told. */
export function cancelJobs(db: Db, ids: number[], now: number): AnalysisJob[] {
  return inWriteTx(db, (tx) => {
    const jobs = tx
      .select()
      .from(analysisJobs)
      .where(and(inArray(analysisJobs.id, ids), inArray(analysisJobs.status, [...ACTIVE])))
      .all();
    for (const j of jobs) {
      tx.update(analysisJobs).set({ status: 'cancelled', secret: null, waiters: [], updatedAt: now }).where(eq(analysisJobs.id, j.id)).run();
      appendEvent(tx, 'analysis:failed', { audioHash: j.audioHash, error: 'Cancelled', final: true }, now);
    }
    return jobs.filter((j) => j.status === 'dispatched');
  });
}

/** Puts failed, cancelled or missing jobs back in the queue with fresh attempts. */
export function retryJobs(db: Db, ids: number[], now: number, priority: number = ANALYSIS_PRIORITY.user): number {
  return inWriteTx(db, (tx) => {
    const jobs = tx
      .select()
      .from(analysisJobs)
      .where(and(inArray(analysisJobs.id, ids), inArray(analysisJobs.status, ['failed', 'cancelled', 'missing'])))
      .all();
    for (const j of jobs) {
      tx.update(analysisJobs)
        .set({ status: 'queued', attempts: 0, nextAttemptAt: now, lastError: null, priority: Math.max(j.priority, priority), updatedAt: now })
        .where(eq(analysisJobs.id, j.id))
        .run();
      appendEvent(tx, 'analysis:queued', { audioHashes: [j.audioHash], priority: Math.max(j.priority, priority) }, now);
    }
    return jobs.length;
  });
}

/** Tracks looked at per slice of the sweep for new audio (a range of `seq`, an index range). */
export const SWEEP_ROWS = 500;
/** Hashes queued per slice at most: one insert for them all; a slice must stay well under 100 ms. */
export const SWEEP_QUEUE = 50;

/**
 * One slice of the sweep for audio to analyse: among tracks with `seq` in (after, after + rows],
 * queues up to `limit` audio hashes that have no basic analysis and no job (or a job closed as
 * missing: a file with that audio can be read again). Only tracks the analysis can read count —
 * present, whole, in an active folder that is plugged in — so audio on an unplugged drive or a
 * paused folder is not queued and closed again every round. Re-tagged files keep their hash, so
 * they are not queued. Returns where the next slice starts, or null when the table is done.
 */
export function queueUnanalysedSlice(db: Db, now: number, after: number, opts: { rows?: number; limit?: number } = {}): { queued: number; next: number | null } {
  const rows = opts.rows ?? SWEEP_ROWS;
  const limit = opts.limit ?? SWEEP_QUEUE;
  return inWriteTx(db, (tx) => {
    // the slice is a range of the primary key: CROSS JOIN keeps tracks outermost and the unary
    // pluses keep the planner off the folder and is_missing indexes (they made it read the whole
    // folder for every slice: 15 ms a slice at 100,000 tracks, against 2 ms)
    const found = (tx as Db).all<{ seq: number; hash: string; done: string | null; job: number | null }>(
      sql`SELECT min(t.seq) AS seq, t.audio_hash AS hash, a.stages_done AS done, j.id AS job
           FROM tracks t CROSS JOIN library_directories d ON d.id = t.directory_id
           LEFT JOIN audio_analysis a ON a.audio_hash = t.audio_hash
           LEFT JOIN analysis_jobs j ON j.audio_hash = t.audio_hash
           WHERE t.seq > ${after} AND t.seq <= ${after + rows}
             AND t.audio_hash IS NOT NULL AND +t.is_missing = 0 AND +t.is_broken = 0 AND d.is_active = 1 AND d.is_available = 1
             AND a.basic_at IS NULL AND (j.id IS NULL OR j.status = 'missing')
           GROUP BY t.audio_hash ORDER BY 1 LIMIT ${limit}`,
    );
    // audio never asked for: one insert for the slice (a request per hash cost ~4 ms each on a busy machine)
    const fresh = found.filter((r) => r.job === null);
    const req = { priority: ANALYSIS_PRIORITY.auto };
    if (fresh.length) {
      const rows = fresh.flatMap((r) => {
        const done = r.done ? (JSON.parse(r.done) as string[]) : [];
        const stages = DEFAULT_STAGES.filter((s) => !done.includes(s));
        return stages.length ? [{ ...queuedJob(stages, req, now), audioHash: r.hash, createdAt: now }] : [];
      });
      if (rows.length) tx.insert(analysisJobs).values(rows).run();
      appendEvent(tx, 'analysis:queued', { audioHashes: fresh.map((r) => r.hash), priority: req.priority }, now);
    }
    // jobs closed when every file was gone: a file is back, the job opens again
    for (const r of found) if (r.job !== null) requestAnalysis(tx, { audioHash: r.hash, ...req }, now);
    if (found.length === limit) return { queued: found.length, next: found.at(-1)!.seq };
    const last = (tx as Db).get<{ seq: number | null }>(sql`SELECT max(seq) AS seq FROM tracks`).seq ?? 0;
    return { queued: found.length, next: after + rows < last ? after + rows : null };
  });
}

/** The whole sweep at once (tests, tools); the worker runs it a slice at a time between other work. */
export function queueUnanalysed(db: Db, now: number): number {
  let queued = 0;
  for (let at: number | null = 0; at !== null;) {
    const r = queueUnanalysedSlice(db, now, at);
    queued += r.queued;
    at = r.next;
  }
  return queued;
}

/**
 * When nothing else waits and every track has its basic analysis, queues the deep stages (genre,
 * segments, transitions) for a few hashes at the lowest priority.
 */
export function queueDeepWhenIdle(db: Db, now: number, batch = 20): number {
  const busy = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status IN ('queued', 'dispatched')`).n;
  if (busy > 0) return 0;
  const unanalysed = db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM tracks t WHERE t.audio_hash IS NOT NULL AND t.is_missing = 0 AND t.is_broken = 0
         AND NOT EXISTS (SELECT 1 FROM audio_analysis a WHERE a.audio_hash = t.audio_hash AND a.basic_at IS NOT NULL AND a.characteristics_at IS NOT NULL)`,
  ).n;
  if (unanalysed > 0) return 0;
  const rows = db.all<{ hash: string }>(
    sql`SELECT a.audio_hash AS hash FROM audio_analysis a
         WHERE NOT (EXISTS (SELECT 1 FROM json_each(a.stages_done) WHERE value = 'genre')
                AND EXISTS (SELECT 1 FROM json_each(a.stages_done) WHERE value = 'segments')
                AND EXISTS (SELECT 1 FROM json_each(a.stages_done) WHERE value = 'transitions'))
           AND NOT EXISTS (SELECT 1 FROM analysis_jobs j WHERE j.audio_hash = a.audio_hash AND j.status IN ('failed', 'missing', 'cancelled'))
         LIMIT ${batch}`,
  );
  for (const r of rows) requestAnalysis(db, { audioHash: r.hash, stages: DEEP_STAGES, priority: ANALYSIS_PRIORITY.idle }, now);
  return rows.length;
}
