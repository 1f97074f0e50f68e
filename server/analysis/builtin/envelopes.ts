import { ANALYZER_VERSION, type TrackAnalysis } from './analyzer';

export const BUILTIN_VERSION = `builtin/${ANALYZER_VERSION}`;

/**
 * The built-in analysis in the shapes an analysis server sends (PROTOCOLS B §2.4.1–2.4.2), so it
 * is stored, announced and answered by the same code as a server's callbacks.
 */
export function toStages(a: TrackAnalysis, processingSeconds: number) {
  const t = a.tempo;
  const basic = {
    analyzer: 'builtin' as const,
    analyzer_version: BUILTIN_VERSION,
    ...(t.bpm !== null ? { tempo: t.bpm } : { no_tempo_reason: t.noTempoReason ?? 'No steady beat found' }),
    bpm_confidence: t.confidence,
    tempo_variable: t.variable,
    ...(a.key.pitch !== null && a.key.mode !== null ? { key: a.key.pitch, mode: a.key.mode, key_strength: a.key.strength, key_confidence: a.key.confidence } : {}),
    tuning_cents: Math.max(-50, Math.min(50, a.key.tuningCents)),
    beats: t.beats,
    downbeats: t.downbeats,
    ...(t.beatConsistency !== null ? { beat_consistency: t.beatConsistency } : {}),
    ...(t.firstBeatOffset !== null ? { firstBeatOffset: t.firstBeatOffset } : {}),
    ...(t.firstPhraseBeatNo !== null ? { firstPhraseBeatNo: t.firstPhraseBeatNo } : {}),
    audibleStartTime: a.audibleStart,
    audibleEndTime: a.audibleEnd,
    waveforms: a.waveforms,
  };
  const l = a.loudness;
  const characteristics = {
    analyzer: 'builtin' as const,
    energy: a.energy,
    loudness: l.integrated,
    loudness_range: l.range,
    true_peak: l.truePeak,
    replay_gain: l.integrated === null ? null : Math.round((-18 - l.integrated) * 100) / 100,
    onset_rate: a.onsetRate,
    brightness: a.brightness,
    danceability: t.bpm === null ? 0 : t.confidence,
    processing_time: Math.round(processingSeconds * 1000) / 1000,
  };
  return { basic_features: basic, characteristics };
}
