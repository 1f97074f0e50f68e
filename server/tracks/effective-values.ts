import { eq } from 'drizzle-orm';
import { audioAnalysis } from '@/drizzle/schema';
import type { Executor } from '../db/client';

/**
 * A track's effective BPM and key — the values the library shows, sorts and filters by — from the
 * three places they come from: the user's correction, the analysis of its audio, its file's tags.
 * Used wherever one of them changes: the scan (tags), analysis results, a user's edit, a duplicate
 * resolution.
 */

export interface AnalysisFacts {
  bpm: number | null;
  keyPitch: number | null;
  keyMode: number | null;
  basicAt: number | null;
  analyzer: 'builtin' | 'server' | null;
  bpmConfidence: number | null;
  keyConfidence: number | null;
}

/** Reads the analysis facts of an audio hash (drizzle; hot paths pass a cached statement instead). */
export const analysisLookup =
  (ex: Executor) =>
  (hash: string): AnalysisFacts | undefined =>
    ex
      .select({
        bpm: audioAnalysis.bpm,
        keyPitch: audioAnalysis.keyPitch,
        keyMode: audioAnalysis.keyMode,
        basicAt: audioAnalysis.basicAt,
        analyzer: audioAnalysis.analyzer,
        bpmConfidence: audioAnalysis.bpmConfidence,
        keyConfidence: audioAnalysis.keyConfidence,
      })
      .from(audioAnalysis)
      .where(eq(audioAnalysis.audioHash, hash))
      .get();

/**
 * The values the library shows and sorts by: a user correction wins over analysis, analysis over
 * the file's tags; with where each came from and how sure its source is.
 */
export function effectiveColumns(
  lookup: (hash: string) => AnalysisFacts | undefined,
  row: { audioHash?: string | null; tagBpm?: number | null; tagKeyPitch?: number | null; tagKeyMode?: number | null },
  overrides: { bpm: number | null; keyPitch: number | null; keyMode: number | null } = { bpm: null, keyPitch: null, keyMode: null },
) {
  const a = row.audioHash ? lookup(row.audioHash) : undefined;
  const hasAnalysisKey = a?.keyPitch !== null && a?.keyPitch !== undefined;
  const analysed = a?.analyzer ?? 'server';
  const bpm = overrides.bpm ?? a?.bpm ?? row.tagBpm ?? null;
  const keyPitch = overrides.keyPitch ?? (hasAnalysisKey ? a.keyPitch : (row.tagKeyPitch ?? null));
  return {
    bpm,
    keyPitch,
    keyMode: overrides.keyPitch !== null ? overrides.keyMode : hasAnalysisKey ? a.keyMode : (row.tagKeyMode ?? null),
    isAnalyzed: Boolean(a?.basicAt),
    bpmSource: bpm === null ? null : overrides.bpm !== null ? ('user' as const) : a?.bpm != null ? analysed : ('tag' as const),
    bpmConfidence: overrides.bpm === null && a?.bpm != null ? (a.bpmConfidence ?? null) : null,
    keySource: keyPitch === null ? null : overrides.keyPitch !== null ? ('user' as const) : hasAnalysisKey ? analysed : ('tag' as const),
    keyConfidence: overrides.keyPitch === null && hasAnalysisKey ? (a.keyConfidence ?? null) : null,
  };
}
