import path from 'node:path';
import { artworks, type NewTrack } from '@/drizzle/schema';
import type { FastRows } from '../db/fast-rows';
import { parseKey } from '../music/keys';
import type { FileAnalysis } from './analyze-file';
import type { WalkFile } from './walk';
import { guessFromPath } from './tags/filename';
import { FORMAT_NAME } from './formats';

/** Columns that come from the file itself (tags, format, hash); user fields are never touched. */
export type FileColumns = Omit<
  NewTrack,
  | 'id'
  | 'seq'
  | 'directoryId'
  | 'dateAdded'
  | 'createdAt'
  | 'rating'
  | 'color'
  | 'energyLevel'
  | 'playCount'
  | 'lastPlayedAt'
  | 'bpmOverride'
  | 'keyPitchOverride'
  | 'keyModeOverride'
>;

export function pathColumns(entry: WalkFile) {
  return {
    relPath: entry.relPath,
    fileName: path.basename(entry.relPath),
    fileExt: path.extname(entry.relPath).slice(1).toLowerCase(),
    sizeBytes: entry.sizeBytes,
    mtimeMs: entry.mtimeMs,
    inode: entry.inode,
  };
}

// Rows are built with Object.assign onto a fresh object, never as a literal that starts with a
// spread: V8 makes `{ ...a, x, y, … }` with many properties ~60× slower, which showed up as
// main-loop lag during scans.

/** What a fast scan knows before reading a file: its path and a title guessed from the name. */
export function quickColumns(entry: WalkFile, now: number): FileColumns {
  const g = guessFromPath(entry.relPath);
  return Object.assign(pathColumns(entry), {
    title: g.title,
    artist: g.artist,
    album: g.album,
    year: g.year,
    trackNumber: g.trackNumber,
    format: path.extname(entry.relPath).slice(1).toLowerCase(),
    metadataSource: 'filename' as const,
    updatedAt: now,
  });
}

/** Every file-derived column from a full analysis. */
export function analysisColumns(entry: WalkFile, a: FileAnalysis, now: number): FileColumns {
  const t = a.tags;
  const f = a.facts;
  const key = parseKey(t?.tagKey);
  const guess = t ? null : guessFromPath(entry.relPath);
  return Object.assign(pathColumns(entry), {
    audioHash: a.hash.audioHash || null,
    quickHash: a.hash.quickHash || null,
    hashMethod: a.hash.method,
    hashedAt: now,
    format: f?.format ?? (a.hash.container === 'unknown' ? path.extname(entry.relPath).slice(1).toLowerCase() : FORMAT_NAME[a.hash.container]),
    codec: f?.codec ?? null,
    isLossless: f?.isLossless ?? null,
    bitrate: f?.bitrate ?? null,
    sampleRate: f?.sampleRate ?? null,
    channels: f?.channels ?? null,
    bitDepth: f?.bitDepth ?? null,
    durationMs: f?.durationMs ?? null,
    title: t?.title ?? guess?.title ?? null,
    artist: t?.artist ?? guess?.artist ?? null,
    album: t?.album ?? guess?.album ?? null,
    albumArtist: t?.albumArtist ?? null,
    genre: t?.genre ?? null,
    year: t?.year ?? guess?.year ?? null,
    trackNumber: t?.trackNumber ?? guess?.trackNumber ?? null,
    trackTotal: t?.trackTotal ?? null,
    discNumber: t?.discNumber ?? null,
    discTotal: t?.discTotal ?? null,
    comment: t?.comment ?? null,
    label: t?.label ?? null,
    isrc: t?.isrc ?? null,
    composer: t?.composer ?? null,
    remixer: t?.remixer ?? null,
    grouping: t?.grouping ?? null,
    isCompilation: t?.isCompilation ?? false,
    tagBpm: t?.tagBpm ?? null,
    tagKey: t?.tagKey ?? null,
    tagKeyPitch: key?.pitch ?? null,
    tagKeyMode: key?.mode ?? null,
    metadataSource: t?.metadataSource ?? ('filename' as const),
    artworkId: a.artwork?.id ?? null,
    isBroken: a.broken !== null,
    brokenReason: a.broken,
    fileWarning: a.warning,
    tagsReadAt: now,
    updatedAt: now,
  });
}

/** Records a stored cover (once per image). */
export function upsertArtwork(fast: FastRows, a: FileAnalysis['artwork'], now: number) {
  if (!a) return;
  fast.insert(
    artworks,
    { id: a.id, mime: a.mime, width: a.width, height: a.height, sizeBytes: a.sizeBytes, relPath: a.relPath, thumbRelPath: a.thumbRelPath, createdAt: now },
    { orIgnore: true },
  );
}
