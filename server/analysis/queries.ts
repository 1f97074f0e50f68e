import { desc, eq, sql } from 'drizzle-orm';
import { analysisJobs, audioAnalysis, stemSets, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { currentWorker } from '../system/worker-status';
import { NotFoundError } from '../errors';
import { plainReason } from './reasons';
import { unpackTimes, waveformLevels } from './results';
import { componentOf } from '../system/components';

export type JobStatus = (typeof analysisJobs.$inferSelect)['status'];

/** The queue: waiting, running, failed (with reasons in plain words), finished; most urgent first. */
export function analysisQueue(db: Db, status: JobStatus | undefined, limit: number) {
  return db
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
    .where(status ? eq(analysisJobs.status, status) : undefined)
    .orderBy(desc(analysisJobs.priority), desc(analysisJobs.updatedAt))
    .limit(limit)
    .all()
    .map((r) => ({ ...r, reason: plainReason(r.lastError), analyzer: r.serverUrl === 'builtin' ? ('builtin' as const) : r.serverUrl ? ('server' as const) : null }));
}

export function analysisCounts(db: Db) {
  const rows = db
    .select({ status: analysisJobs.status, n: sql<number>`count(*)` })
    .from(analysisJobs)
    .groupBy(analysisJobs.status)
    .all();
  const unanalysed = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks WHERE is_analyzed = 0 AND audio_hash IS NOT NULL AND is_missing = 0 AND is_broken = 0`).n;
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
}

/**
 * How far the library is: distinct audio analysed of all there is to analyse, the rate over the
 * last five minutes (tracks a minute) and the time left at that rate (null until there is a rate).
 */
export function analysisProgress(db: Db, now: number) {
  const r = db.get<{ total: number; done: number; waiting: number; recent: number; first: number | null }>(
    sql`SELECT
          (SELECT count(DISTINCT audio_hash) FROM tracks WHERE audio_hash IS NOT NULL AND is_missing = 0 AND is_broken = 0) AS total,
          (SELECT count(DISTINCT t.audio_hash) FROM tracks t JOIN audio_analysis a ON a.audio_hash = t.audio_hash
             WHERE t.is_missing = 0 AND t.is_broken = 0 AND a.basic_at IS NOT NULL) AS done,
          (SELECT count(*) FROM analysis_jobs WHERE status IN ('queued', 'dispatched')) AS waiting,
          (SELECT count(*) FROM analysis_jobs WHERE status = 'completed' AND completed_at > ${now - 300_000}) AS recent,
          (SELECT min(completed_at) FROM analysis_jobs WHERE status = 'completed' AND completed_at > ${now - 300_000}) AS first`,
  );
  // the rate over what the window really covers (a burst that began a minute ago is not five minutes' worth)
  const span = r.first ? Math.max(10_000, now - r.first) : 300_000;
  const perMinute = r.recent > 0 ? (r.recent / span) * 60_000 : null;
  return {
    total: r.total,
    done: r.done,
    waiting: r.waiting,
    perMinute: perMinute === null ? null : Math.round(perMinute * 10) / 10,
    secondsLeft: perMinute && r.waiting ? Math.round((r.waiting / perMinute) * 60) : null,
  };
}

/** The cached stem set of an audio hash, as names the stems route serves. */
function stemsOf(db: Db, hash: string) {
  const s = db.select({ format: stemSets.format, files: stemSets.files, sizeBytes: stemSets.sizeBytes }).from(stemSets).where(eq(stemSets.audioHash, hash)).get();
  return s ? { format: s.format, names: Object.keys(s.files), sizeBytes: s.sizeBytes } : null;
}

/** A constant grid from an anchor (a downbeat) and a BPM, over the track, both ways. */
export function constantGrid(bpm: number, anchor: number, durationSec: number) {
  const p = 60 / bpm;
  const first = anchor - Math.floor(anchor / p) * p;
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let i = 0, t = first; t < durationSec; i++, t = first + i * p) {
    beats.push(Math.round(t * 10000) / 10000);
    // the anchor is a downbeat: every fourth beat from it, counted both ways
    if (Math.round((t - anchor) / p) % 4 === 0) downbeats.push(Math.round(t * 10000) / 10000);
  }
  return { beats, downbeats };
}

/**
 * What the track page draws and says: the analysis with who made it and how sure it is, the
 * grid (the user's correction applied: their BPM and first downbeat win), the job, waveform
 * levels and stems.
 */
export function trackAnalysis(db: Db, trackId: string) {
  const t = db
    .select({
      hash: tracks.audioHash,
      durationMs: tracks.durationMs,
      bpm: tracks.bpm,
      bpmOverride: tracks.bpmOverride,
      beatOffsetOverride: tracks.beatOffsetOverride,
    })
    .from(tracks)
    .where(eq(tracks.id, trackId))
    .get();
  if (!t) throw new NotFoundError('track', trackId);
  if (!t.hash) return { audioHash: null, analysis: null, job: null, waveform: [], stemWaveform: [], stems: null, beats: [], downbeats: [], grid: null };
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
  let beats = unpackTimes(a?.beats);
  let downbeats = unpackTimes(a?.downbeats);
  const corrected = t.bpmOverride !== null || t.beatOffsetOverride !== null;
  const anchor = t.beatOffsetOverride ?? a?.firstBeatOffset ?? null;
  const durationSec = (t.durationMs ?? 0) / 1000 || (a?.audibleEnd ?? 0);
  if (corrected && t.bpm && anchor !== null && durationSec > 0) ({ beats, downbeats } = constantGrid(t.bpm, anchor, durationSec));
  return {
    audioHash: t.hash,
    analysis: a
      ? {
          analyzer: a.analyzer,
          version: a.analysisVersion,
          bpm: a.bpm,
          bpmConfidence: a.bpmConfidence,
          noTempoReason: a.noTempoReason,
          tempoVariable: a.tempoVariable,
          keyPitch: a.keyPitch,
          keyMode: a.keyMode,
          keyStrength: a.keyStrength,
          keyConfidence: a.keyConfidence,
          tuningCents: a.tuningCents,
          firstBeatOffset: a.firstBeatOffset,
          firstPhraseBeat: a.firstPhraseBeat,
          audibleStart: a.audibleStart,
          audibleEnd: a.audibleEnd,
          loudnessLufs: a.loudnessLufs,
          loudnessRange: a.loudnessRange,
          truePeakDb: a.truePeakDb,
          replayGainDb: a.replayGainDb,
          characteristics: a.characteristics,
          genre: a.genre,
          stagesDone: a.stagesDone,
          analysedAt: a.basicAt,
        }
      : null,
    job: job ? { ...job, reason: plainReason(job.lastError) } : null,
    waveform: waveformLevels(db, t.hash, 'main'),
    stemWaveform: waveformLevels(db, t.hash, 'stems'),
    stems: stemsOf(db, t.hash),
    beats,
    downbeats,
    grid: anchor !== null && t.bpm ? { bpm: t.bpm, firstDownbeat: anchor, corrected } : null,
  };
}

/** What the worker last reported of the analysis component (typed here, once). */

/** Who analyses now, each configured server's health and the supervised process. */
export function analysisServers(ctx: AppContext) {
  const w = currentWorker(ctx.db, ctx.clock.now());
  const c = componentOf(w.components, 'analysis');
  const env = ctx.env.analysis;
  return {
    workerOnline: w.online,
    state: c?.state ?? 'unknown',
    detail: c?.detail ?? null,
    mode: c?.mode ?? ctx.settings.get('analysis.engine'),
    analyzer: c?.analyzer ?? null,
    builtin: c?.builtin ?? null,
    servers: c?.servers ?? env.serverUrls.map((url) => ({ url, state: 'unknown', detail: null, version: null, checkedAt: null })),
    supervisor: c?.supervisor ?? null,
    concurrency: env.concurrency,
    threads: env.threads,
  };
}
