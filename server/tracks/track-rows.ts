import { getTableColumns } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { tracks, type Track } from '@/drizzle/schema';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

const ALL = Object.entries(getTableColumns(tracks) as Record<string, SQLiteColumn>).map(([key, col]) => ({ key: key as keyof Track, db: toSnakeCase(key), col }));

/**
 * What a row of the library table needs (and what an edit or the player reads before the full
 * track arrives): about half of the columns, so a page of 100 is half the bytes to encode and send.
 */
export const ROW_FIELDS = [
  'seq',
  'id',
  'directoryId',
  'relPath',
  'fileName',
  'fileExt',
  'sizeBytes',
  'format',
  'codec',
  'isLossless',
  'bitrate',
  'sampleRate',
  'durationMs',
  'title',
  'artist',
  'album',
  'albumArtist',
  'genre',
  'year',
  'trackNumber',
  'comment',
  'label',
  'artworkId',
  'bpm',
  'keyPitch',
  'keyMode',
  'keySort',
  'bpmOverride',
  'keyPitchOverride',
  'keyModeOverride',
  'beatOffsetOverride',
  'bpmSource',
  'bpmConfidence',
  'keySource',
  'keyConfidence',
  'isAnalyzed',
  'isMissing',
  'missingReason',
  'missingSince',
  'isBroken',
  'brokenReason',
  'rating',
  'color',
  'energyLevel',
  'playCount',
  'lastPlayedAt',
  'dateAdded',
  'duplicateGroupId',
  'editedFields',
  'updatedAt',
] as const satisfies readonly (keyof Track)[];
export type TrackRow = Pick<Track, (typeof ROW_FIELDS)[number]>;

const ROW = ALL.filter((c) => (ROW_FIELDS as readonly string[]).includes(c.key));

function mapper<T>(columns: typeof ALL) {
  return (raw: Record<string, unknown>): T => {
    const out: Record<string, unknown> = {};
    for (const { key, db, col } of columns) {
      const v = raw[db];
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T;
  };
}

/** Maps a raw `tracks` row (snake_case, from hand-written SQL) to a Track, with Drizzle's decoders. */
export const mapTrackRow = mapper<Track>(ALL);
/** `t."col"` for every column: the projection mapTrackRow expects. */
export const TRACK_COLUMNS_SQL = ALL.map((c) => `t."${c.db}"`).join(', ');

/** The same for table rows (ROW_FIELDS). */
export const mapRow = mapper<TrackRow>(ROW);
export const ROW_COLUMNS_SQL = ROW.map((c) => `t."${c.db}"`).join(', ');
