import { sqliteTable, text, integer, real, blob, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { bool, ms } from './columns';

/** Analysis results, keyed by audio hash: every copy of the same audio shares one row. */
export const audioAnalysis = sqliteTable('audio_analysis', {
  audioHash: text().primaryKey(),
  bpm: real(),
  keyPitch: integer(),
  keyMode: integer(),
  keyStrength: real(),
  /** Float32 little-endian arrays of seconds. */
  beats: blob({ mode: 'buffer' }),
  downbeats: blob({ mode: 'buffer' }),
  beatConsistency: real(),
  firstBeatOffset: real(),
  firstPhraseBeat: integer(),
  audibleStart: real(),
  audibleEnd: real(),
  /** As the server sent them: booleans stay booleans, energy may be negative. */
  characteristics: text({ mode: 'json' }).$type<Record<string, number | boolean | null>>(),
  genre: text({ mode: 'json' }).$type<unknown>(),
  segments: text({ mode: 'json' }).$type<unknown>(),
  transitions: text({ mode: 'json' }).$type<unknown>(),
  stagesDone: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Who made the basic features: 'builtin' (this worker) or 'server' (a Mismo analysis server). */
  analyzer: text({ enum: ['builtin', 'server'] }),
  /** The built-in analyzer's version ('builtin/N'); an older one is re-analysed at idle priority. */
  analysisVersion: text(),
  /** 0–1: how clearly the track beats at its BPM (built-in analyzer). */
  bpmConfidence: real(),
  /** Why there is no BPM (silence, no steady beat), instead of a made-up one. */
  noTempoReason: text(),
  tempoVariable: bool(),
  keyConfidence: real(),
  tuningCents: real(),
  /** EBU R128 integrated loudness (LUFS), loudness range (LU), true peak (dBTP), ReplayGain 2 gain (dB). */
  loudnessLufs: real(),
  loudnessRange: real(),
  truePeakDb: real(),
  replayGainDb: real(),
  /** 0–1 energy from loudness, onset density, brightness and tempo; ranked into 1–10 over the library. */
  energyScore: real(),
  basicAt: ms(),
  characteristicsAt: ms(),
  createdAt: ms().notNull(),
  updatedAt: ms().notNull(),
});

/** Waveforms per hash and zoom level; main and stem waveforms are kept apart. */
export const waveforms = sqliteTable(
  'waveforms',
  {
    audioHash: text().notNull(),
    zoomLevel: integer().notNull(),
    kind: text({ enum: ['main', 'stems'] }).notNull(),
    sampleRate: integer(),
    samplesPerPixel: integer(),
    numPixels: integer().notNull(),
    /** Names of the bands stored in `data`, in order. */
    bands: text({ mode: 'json' }).$type<string[]>().notNull(),
    /** 'u8': one byte per pixel per band; 'f32': float32 LE. */
    encoding: text({ enum: ['u8', 'f32'] }).notNull(),
    data: blob({ mode: 'buffer' }).notNull(),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
  },
  (t) => [primaryKey({ columns: [t.audioHash, t.zoomLevel, t.kind] })],
);

/** One analysis job per audio hash; later requests merge into it (priority, stages, waiters). */
export const analysisJobs = sqliteTable(
  'analysis_jobs',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    audioHash: text().notNull().unique(),
    status: text({ enum: ['queued', 'dispatched', 'completed', 'failed', 'cancelled', 'missing'] }).notNull(),
    priority: integer().notNull(),
    stagesRequested: text({ mode: 'json' }).$type<string[]>().notNull(),
    stagesDone: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
    /** What the current (or last) dispatch asked the server for; stages merged in later wait for the next one. */
    stagesDispatched: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(3),
    nextAttemptAt: ms().notNull(),
    serverUrl: text(),
    /** Per-dispatch secret carried in the callback URL. */
    secret: text(),
    waiters: text({ mode: 'json' }).$type<AnalysisWaiter[]>().notNull().default([]),
    /** Only an analysis server may take it (replacing a built-in result with the server's). */
    serverOnly: bool().notNull().default(false),
    trackId: text(),
    filePath: text(),
    lastError: text(),
    dispatchedAt: ms(),
    lastCallbackAt: ms(),
    /** When the server said `job_completed`; stages still missing then get a short grace (callbacks may arrive out of order). */
    serverDoneAt: ms(),
    completedAt: ms(),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
  },
  (t) => [
    // in the order jobs are claimed (most urgent, then oldest): the next job is the first row, not a sort of the queue
    index('analysis_jobs_queue_idx').on(t.status, sql`${t.priority} DESC`, t.createdAt, t.id),
    // a callback's secret is looked up before a byte of its body is read
    index('analysis_jobs_secret_idx').on(t.secret),
  ],
);

export type AnalysisWaiter =
  | { type: 'engine_track_info'; trackId: string; requestId?: string | number; deck?: string; at: number }
  | { type: 'engine_stems'; trackId: string; requestId?: string | number; deck?: string; at: number }
  | { type: 'user'; at: number };

/** Callbacks are stored durably before the 200, then processed. */
export const analysisCallbacks = sqliteTable(
  'analysis_callbacks',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    audioHash: text().notNull(),
    stage: text().notNull(),
    status: text(),
    /** Small bodies inline; large ones on disk (relative to the data folder). */
    body: text(),
    bodyRelPath: text(),
    receivedAt: ms().notNull(),
    processedAt: ms(),
    error: text(),
  },
  (t) => [index('analysis_callbacks_pending_idx').on(t.processedAt)],
);

export const stemSets = sqliteTable('stem_sets', {
  audioHash: text().primaryKey(),
  format: text().notNull(),
  /** stem name -> path relative to the data folder */
  files: text({ mode: 'json' }).$type<Record<string, string>>().notNull(),
  sizeBytes: integer().notNull(),
  isProtected: bool().notNull().default(false),
  lastAccessedAt: ms().notNull(),
  createdAt: ms().notNull(),
});

export type AudioAnalysis = typeof audioAnalysis.$inferSelect;
export type Waveform = typeof waveforms.$inferSelect;
export type AnalysisJob = typeof analysisJobs.$inferSelect;
