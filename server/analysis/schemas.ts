import { z } from 'zod';

/** The analysis server's stages (PROTOCOLS B §1.5), in the order the server runs them. */
export const STAGES = ['basic_features', 'characteristics', 'genre', 'stems', 'segments', 'transitions'] as const;
export type Stage = (typeof STAGES)[number];
export const StageSchema = z.enum(STAGES);
export const DEFAULT_STAGES: Stage[] = ['basic_features', 'characteristics'];
export const DEEP_STAGES: Stage[] = ['genre', 'segments', 'transitions'];

/** Higher runs first: the engine waiting > a user asking > new imports > idle-time deep analysis. */
export const ANALYSIS_PRIORITY = { idle: 0, auto: 10, user: 20, engine: 30 } as const;

const finite = z.number().finite();
/** Seconds as numbers; the list can be long (a beat every half second). */
const times = z.array(finite).max(200_000);

/** A waveform band: a number array ("legacy") or a non-empty base64 string ("preferred"). */
const band = z.union([z.array(finite).max(1_000_000), z.string().min(1).max(20_000_000)]);

export const MAIN_BANDS = ['low_freq_amplitude', 'low_freq_intensity', 'mid_freq_amplitude', 'mid_freq_intensity', 'high_freq_amplitude', 'high_freq_intensity'] as const;
export const STEM_BANDS = [
  'vocals_amplitude',
  'vocals_intensity',
  'drums_amplitude',
  'drums_intensity',
  'bass_amplitude',
  'bass_intensity',
  'other_amplitude',
  'other_intensity',
] as const;

const waveformMeta = {
  zoom_level: z.number().int().min(0).max(2),
  num_pixels: z.number().int().min(1).max(1_000_000),
  samples_per_pixel: z.number().int().min(1).optional(),
  sample_rate: z.number().int().min(1).optional(),
};
export const MainWaveform = z.object({ ...waveformMeta, ...Object.fromEntries(MAIN_BANDS.map((b) => [b, band])) } as typeof waveformMeta &
  Record<(typeof MAIN_BANDS)[number], typeof band>);
export const StemWaveform = z.object({ ...waveformMeta, ...Object.fromEntries(STEM_BANDS.map((b) => [b, band])) } as typeof waveformMeta &
  Record<(typeof STEM_BANDS)[number], typeof band>);
export type MainWaveform = z.infer<typeof MainWaveform>;
export type StemWaveform = z.infer<typeof StemWaveform>;

export const BasicFeatures = z
  .object({
    tempo: finite.positive().max(1000).optional(),
    bpm: finite.positive().max(1000).optional(),
    key: z.number().int().min(0).max(11).optional(),
    musical_key: z.number().int().min(0).max(11).optional(),
    mode: z.union([z.literal(0), z.literal(1)]).optional(),
    key_strength: finite.optional(),
    beats: times.optional(),
    downbeats: times.optional(),
    beat_consistency: finite.optional(),
    firstBeatOffset: finite.optional(),
    firstPhraseBeatNo: z.number().int().optional(),
    audibleStartTime: finite.optional(),
    audibleEndTime: finite.optional(),
    waveforms: z.array(z.unknown()).max(10).optional(),
    // the built-in analyzer's extras (an analysis server may send them too)
    analyzer: z.enum(['builtin', 'server']).optional(),
    analyzer_version: z.string().max(40).optional(),
    bpm_confidence: finite.min(0).max(1).optional(),
    no_tempo_reason: z.string().min(1).max(300).optional(),
    tempo_variable: z.boolean().optional(),
    key_confidence: finite.min(0).max(1).optional(),
    tuning_cents: finite.min(-50).max(50).optional(),
  })
  .loose()
  .refine((d) => d.tempo !== undefined || d.bpm !== undefined || d.no_tempo_reason !== undefined, 'tempo (or bpm) is required');
export type BasicFeatures = z.infer<typeof BasicFeatures>;

const CHARACTERISTIC_KEYS = ['danceability', 'valence', 'arousal', 'energy', 'loudness', 'acousticness', 'instrumentalness'] as const;
const numOrBool = z.union([finite, z.boolean()]);
/** Every one of the seven must be there; booleans stay booleans and energy may be negative. */
const ServerCharacteristics = z
  .object({
    ...(Object.fromEntries(CHARACTERISTIC_KEYS.map((k) => [k, numOrBool])) as Record<(typeof CHARACTERISTIC_KEYS)[number], typeof numOrBool>),
    spectral_centroid: finite.optional(),
    spectral_rolloff: finite.optional(),
    zero_crossing_rate: finite.optional(),
    processing_time: finite.optional(),
  })
  .loose();
/**
 * The built-in analyzer measures loudness and energy, not mood: it sends what it measured and
 * nothing made up (no valence, no acousticness).
 */
export const BuiltinCharacteristics = z.object({
  analyzer: z.literal('builtin'),
  /** 0–1 energy score (ranked into 1–10 over the library). */
  energy: finite.min(0).max(1),
  /** Integrated loudness, LUFS (null for silence). */
  loudness: finite.nullable(),
  loudness_range: finite.nullable(),
  true_peak: finite.nullable(),
  replay_gain: finite.nullable(),
  onset_rate: finite.min(0),
  brightness: finite.min(0).max(1),
  danceability: finite.min(0).max(1),
  processing_time: finite.optional(),
});
export const Characteristics = z.union([BuiltinCharacteristics, ServerCharacteristics]);

export const STEM_NAMES = ['vocals', 'drums', 'bass', 'other'] as const;
export const Stems = z
  .object({
    delivery_mode: z.enum(['path', 'callback']),
    stems: z.record(z.enum(STEM_NAMES), z.string().min(1)).refine((s) => Object.keys(s).length > 0, 'no stems'),
    format: z.enum(['wav', 'flac']).optional(),
    encoding: z.string().optional(),
    model: z.string().optional(),
    waveforms: z.array(z.unknown()).max(10).optional(),
  })
  .loose();
export type Stems = z.infer<typeof Stems>;

/** The callback envelope (B §2.2). `status: "failed"` marks the stage as failed. */
export const Envelope = z.object({
  job_id: z.string().regex(/^[0-9a-f]{16}$/, 'job_id must be an audio hash (16 hex digits)'),
  stage: z.string().min(1).max(64),
  status: z.string().max(64).optional(),
  timestamp: z.string().max(64).optional(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

/** The stage data schema for a stage, or undefined for stages stored as they come. */
export function stageSchema(stage: string): z.ZodType | undefined {
  if (stage === 'basic_features') return BasicFeatures;
  if (stage === 'characteristics') return Characteristics;
  if (stage === 'stems') return Stems;
  return undefined;
}

/** A readable one-line reason from an `error` field of any shape. */
export function errorText(e: unknown, fallback: string): string {
  if (typeof e === 'string' && e.trim()) return e.slice(0, 500);
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message.slice(0, 500);
    if (typeof o.error === 'string') return o.error.slice(0, 500);
    return JSON.stringify(e).slice(0, 500);
  }
  return fallback;
}
