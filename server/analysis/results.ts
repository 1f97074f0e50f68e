import { and, eq, sql } from 'drizzle-orm';
import { audioAnalysis, tracks, waveforms } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { analysisLookup, effectiveColumns } from '../tracks/effective-values';
import { BasicFeatures, BuiltinCharacteristics, Characteristics, MAIN_BANDS, MainWaveform, STEM_BANDS, StemWaveform, STAGES } from './schemas';

/** Float32 little-endian array of seconds (compact, and what the UI reads directly). */
export const packTimes = (v: number[] | undefined) => (v?.length ? Buffer.from(new Float32Array(v).buffer) : null);
export function unpackTimes(b: Buffer | null | undefined): number[] {
  if (!b?.length) return [];
  const copy = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return Array.from(copy, (x) => Math.round(x * 1e4) / 1e4);
}

/**
 * One band as bytes (0–255 per pixel). The server sends numbers or base64 (B §4.1, scale
 * undocumented): base64 of one byte per pixel is taken as is; four bytes per pixel as float32;
 * values in 0..1 are scaled up to 0..255.
 */
export function bandBytes(v: number[] | string, numPixels: number): Uint8Array {
  let values: ArrayLike<number>;
  if (typeof v === 'string') {
    const raw = Buffer.from(v, 'base64');
    if (raw.length === numPixels) return new Uint8Array(raw);
    if (raw.length === numPixels * 4) values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    else throw new Error(`a base64 band holds ${raw.length} bytes for ${numPixels} pixels`);
  } else {
    if (v.length !== numPixels) throw new Error(`a band holds ${v.length} values for ${numPixels} pixels`);
    values = v;
  }
  let max = 0;
  for (const x of Array.from(values)) max = Math.max(max, Math.abs(x));
  const scale = max <= 1 ? 255 : 1;
  const out = new Uint8Array(numPixels);
  for (let i = 0; i < numPixels; i++) out[i] = Math.max(0, Math.min(255, Math.round(Math.abs(values[i]!) * scale)));
  return out;
}

/**
 * Stores waveforms of one kind for a hash, one row per zoom level, bands packed back to back.
 * Main and stem waveforms are separate rows: storing one never touches the other. Levels that do
 * not validate are skipped and reported.
 */
export function storeWaveforms(ex: Executor, hash: string, kind: 'main' | 'stems', list: unknown[] | undefined, now: number): { stored: number[]; skipped: string[] } {
  const stored: number[] = [];
  const skipped: string[] = [];
  const bands = kind === 'main' ? MAIN_BANDS : STEM_BANDS;
  const schema = kind === 'main' ? MainWaveform : StemWaveform;
  for (const item of list ?? []) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      skipped.push(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      continue;
    }
    const w = parsed.data as Record<string, unknown> & { zoom_level: number; num_pixels: number; samples_per_pixel?: number; sample_rate?: number };
    try {
      const data = Buffer.concat(bands.map((b) => bandBytes(w[b] as number[] | string, w.num_pixels)));
      const row = {
        sampleRate: w.sample_rate ?? null,
        samplesPerPixel: w.samples_per_pixel ?? null,
        numPixels: w.num_pixels,
        bands: [...bands],
        encoding: 'u8' as const,
        data,
        updatedAt: now,
      };
      (ex as Db)
        .insert(waveforms)
        .values({ audioHash: hash, zoomLevel: w.zoom_level, kind, ...row, createdAt: now })
        .onConflictDoUpdate({ target: [waveforms.audioHash, waveforms.zoomLevel, waveforms.kind], set: row })
        .run();
      stored.push(w.zoom_level);
    } catch (e) {
      skipped.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { stored, skipped };
}

function upsertAnalysis(ex: Executor, hash: string, stage: string, set: Partial<typeof audioAnalysis.$inferInsert>, now: number) {
  const db = ex as Db;
  const existing = db.select({ stagesDone: audioAnalysis.stagesDone }).from(audioAnalysis).where(eq(audioAnalysis.audioHash, hash)).get();
  const stagesDone = STAGES.filter((s) => s === stage || existing?.stagesDone.includes(s));
  if (existing)
    db.update(audioAnalysis)
      .set({ ...set, stagesDone, updatedAt: now })
      .where(eq(audioAnalysis.audioHash, hash))
      .run();
  else
    db.insert(audioAnalysis)
      .values({ audioHash: hash, ...set, stagesDone, createdAt: now, updatedAt: now })
      .run();
}

/** Every track with this audio gets the new effective BPM/key/energy (a user's correction still wins). */
function refreshTracks(ex: Executor, hash: string, energy: number | null | undefined, now: number): string[] {
  const db = ex as Db;
  const rows = db.select().from(tracks).where(eq(tracks.audioHash, hash)).all();
  const lookup = analysisLookup(db);
  for (const r of rows) {
    const eff = effectiveColumns(lookup, r, { bpm: r.bpmOverride, keyPitch: r.keyPitchOverride, keyMode: r.keyModeOverride });
    db.update(tracks)
      .set({ ...eff, ...(energy !== undefined ? { energy } : {}), updatedAt: now })
      .where(eq(tracks.id, r.id))
      .run();
  }
  return rows.map((r) => r.id);
}

export interface AppliedStage {
  trackIds: string[];
  /** Problems worth a log line that did not stop the stage (a waveform level that did not validate). */
  warnings: string[];
}

/**
 * Stores a stage's results for a hash, the moment they arrive: basic features and characteristics in
 * the per-hash row and on every track with that audio; deep stages as the server sent them.
 * Idempotent: a replay overwrites with the same values.
 */
export function applyStage(ex: Executor, hash: string, stage: string, data: unknown, now: number): AppliedStage {
  if (stage === 'basic_features') {
    const d = BasicFeatures.parse(data);
    upsertAnalysis(
      ex,
      hash,
      stage,
      {
        analyzer: d.analyzer ?? 'server',
        analysisVersion: d.analyzer_version ?? null,
        bpmConfidence: d.bpm_confidence ?? null,
        noTempoReason: (d.tempo ?? d.bpm) ? null : (d.no_tempo_reason ?? null),
        tempoVariable: d.tempo_variable ?? null,
        keyConfidence: d.key_confidence ?? null,
        tuningCents: d.tuning_cents ?? null,
        bpm: d.tempo ?? d.bpm ?? null,
        keyPitch: d.key ?? d.musical_key ?? null,
        keyMode: d.mode ?? null,
        keyStrength: d.key_strength ?? null,
        beats: packTimes(d.beats),
        downbeats: packTimes(d.downbeats),
        beatConsistency: d.beat_consistency ?? null,
        firstBeatOffset: d.firstBeatOffset ?? null,
        firstPhraseBeat: d.firstPhraseBeatNo ?? null,
        audibleStart: d.audibleStartTime ?? null,
        audibleEnd: d.audibleEndTime ?? null,
        basicAt: now,
      },
      now,
    );
    const w = storeWaveforms(ex, hash, 'main', d.waveforms, now);
    return { trackIds: refreshTracks(ex, hash, undefined, now), warnings: w.skipped.map((s) => `waveform skipped: ${s}`) };
  }
  if (stage === 'characteristics') {
    const d = Characteristics.parse(data);
    const characteristics: Record<string, number | boolean | null> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'number' || typeof v === 'boolean') characteristics[k] = v;
    const b = BuiltinCharacteristics.safeParse(data);
    const builtin = b.success
      ? { loudnessLufs: b.data.loudness, loudnessRange: b.data.loudness_range, truePeakDb: b.data.true_peak, replayGainDb: b.data.replay_gain, energyScore: b.data.energy }
      : {};
    upsertAnalysis(ex, hash, stage, { characteristics, characteristicsAt: now, ...builtin }, now);
    const ids = refreshTracks(ex, hash, typeof d.energy === 'number' ? d.energy : null, now);
    if (b.success) rankEnergy(ex, hash, b.data.energy, now);
    return { trackIds: ids, warnings: [] };
  }
  if (stage === 'genre' || stage === 'segments' || stage === 'transitions') {
    upsertAnalysis(ex, hash, stage, { [stage]: data ?? null }, now);
    return {
      trackIds: (ex as Db)
        .select({ id: tracks.id })
        .from(tracks)
        .where(eq(tracks.audioHash, hash))
        .all()
        .map((r) => r.id),
      warnings: [],
    };
  }
  return { trackIds: [], warnings: [`unknown stage ${stage} ignored`] };
}

/**
 * Energy 1–10 for the tracks of one hash: where its score falls among every analysed track's
 * (a percentile, so the library's spread uses the whole scale). A level the user set stays.
 * `rerankEnergy` brings earlier tracks up to date as the library grows.
 */
function rankEnergy(ex: Executor, hash: string, score: number, now: number) {
  const db = ex as Db;
  const r = db.get<{ below: number; total: number }>(
    sql`SELECT count(*) FILTER (WHERE energy_score < ${score}) AS below, count(*) AS total FROM audio_analysis WHERE energy_score IS NOT NULL`,
  );
  const level = levelOf(r.below, r.total);
  db.run(
    sql`UPDATE tracks SET energy_level = ${level}, updated_at = ${now}
         WHERE audio_hash = ${hash} AND NOT EXISTS (SELECT 1 FROM json_each(tracks.edited_fields) WHERE value = 'energyLevel')`,
  );
}

const levelOf = (below: number, total: number) => (total <= 1 ? 5 : Math.min(10, 1 + Math.floor((10 * below) / total)));

/** Re-ranks every analysed track's energy level over the whole library; returns how many changed. */
export function rerankEnergy(ex: Executor, now: number): string[] {
  const db = ex as Db;
  const changed = db.all<{ id: string }>(
    sql`WITH ranked AS (
          SELECT audio_hash, min(10, 1 + (10 * (rank() OVER (ORDER BY energy_score) - 1)) / count(*) OVER ()) AS level
            FROM audio_analysis WHERE energy_score IS NOT NULL)
        UPDATE tracks SET energy_level = ranked.level, updated_at = ${now}
          FROM ranked
         WHERE ranked.audio_hash = tracks.audio_hash AND tracks.energy_level IS NOT ranked.level
           AND NOT EXISTS (SELECT 1 FROM json_each(tracks.edited_fields) WHERE value = 'energyLevel')
        RETURNING tracks.id AS id`,
  );
  return changed.map((r) => r.id);
}

/** Marks the stems stage done in the results row (the files live in the stem cache). */
export function markStemsAnalysed(ex: Executor, hash: string, now: number) {
  upsertAnalysis(ex, hash, 'stems', {}, now);
}

export interface WaveformLevel {
  zoomLevel: number;
  numPixels: number;
  samplesPerPixel: number | null;
  sampleRate: number | null;
  bands: string[];
}

/** The stored zoom levels of a hash's waveform (metadata only). */
export function waveformLevels(db: Db, hash: string, kind: 'main' | 'stems'): WaveformLevel[] {
  return db
    .select({
      zoomLevel: waveforms.zoomLevel,
      numPixels: waveforms.numPixels,
      samplesPerPixel: waveforms.samplesPerPixel,
      sampleRate: waveforms.sampleRate,
      bands: waveforms.bands,
    })
    .from(waveforms)
    .where(and(eq(waveforms.audioHash, hash), eq(waveforms.kind, kind)))
    .orderBy(waveforms.zoomLevel)
    .all();
}

export function waveformData(db: Db, hash: string, kind: 'main' | 'stems', zoom: number) {
  return db
    .select()
    .from(waveforms)
    .where(and(eq(waveforms.audioHash, hash), eq(waveforms.kind, kind), eq(waveforms.zoomLevel, zoom)))
    .get();
}

/** Track ids per audio hash for events. */
export const trackIdsForHash = (db: Db, hash: string) => db.all<{ id: string }>(sql`SELECT id FROM tracks WHERE audio_hash = ${hash}`).map((r) => r.id);
