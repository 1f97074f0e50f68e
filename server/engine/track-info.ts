import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { audioAnalysis, libraryDirectories, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { engineCues } from '../hotcues/hot-cues';
import { ENGINE_ERRORS, echoId, type TrackInfoMessage } from './protocol';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TrackInfoLookup =
  { ok: true; info: TrackInfoMessage; audioHash: string | null } | { ok: false; error: string; trackId: string; audioHash?: string | null; notAnalysed?: boolean };

/**
 * What the engine gets for a track (Part B §3.5), checked in the reference's order: id, track row,
 * library folder, file readable, basic features analysed. Indexed lookups and one access() call:
 * nothing here waits on scans or hashing.
 */
export function lookupTrackInfo(ex: Executor, trackId: unknown, requestId?: unknown): TrackInfoLookup {
  if (typeof trackId !== 'string' || trackId === '') return { ok: false, error: ENGINE_ERRORS.missingTrackId, trackId: '' };
  if (!UUID.test(trackId)) return { ok: false, error: ENGINE_ERRORS.trackNotFound, trackId };
  const row = ex
    .select({
      relPath: tracks.relPath,
      audioHash: tracks.audioHash,
      bpm: tracks.bpm,
      keyPitch: tracks.keyPitch,
      keyMode: tracks.keyMode,
      dirPath: libraryDirectories.path,
      dirAvailable: libraryDirectories.isAvailable,
      basicAt: audioAnalysis.basicAt,
      beatOffsetOverride: tracks.beatOffsetOverride,
      firstBeatOffset: audioAnalysis.firstBeatOffset,
      firstPhraseBeat: audioAnalysis.firstPhraseBeat,
    })
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .leftJoin(audioAnalysis, eq(audioAnalysis.audioHash, tracks.audioHash))
    .where(eq(tracks.id, trackId))
    .get();
  if (!row) return { ok: false, error: ENGINE_ERRORS.trackNotFound, trackId };
  if (!row.dirPath) return { ok: false, error: ENGINE_ERRORS.directoryNotFound, trackId };
  const filePath = path.join(row.dirPath, row.relPath);
  if (!row.dirAvailable || !readable(filePath)) return { ok: false, error: ENGINE_ERRORS.fileMissing, trackId, audioHash: row.audioHash };
  if (!row.basicAt) return { ok: false, error: ENGINE_ERRORS.analysisInProgress, trackId, audioHash: row.audioHash, notAnalysed: true };
  return {
    ok: true,
    audioHash: row.audioHash,
    info: {
      success: true,
      ...echoId(requestId),
      trackId,
      filePath,
      bpm: row.bpm ?? 0,
      key: String(row.keyPitch),
      mode: String(row.keyMode),
      // the user's grid anchor wins over analysis, as their BPM does (tracks.bpm is already the effective one)
      firstBeatOffset: row.beatOffsetOverride ?? row.firstBeatOffset ?? 0,
      firstPhraseBeatNo: row.firstPhraseBeat ?? 0,
      hotCues: engineCues(ex, trackId),
    },
  };
}

function readable(file: string) {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
