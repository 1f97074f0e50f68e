import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bool, ms } from './columns';
import { libraryDirectories } from './library-directories';
import { artworks } from './artworks';

/**
 * One row per file instance. `seq` is the stable integer rowid (FTS5 and keyset paging use it);
 * `id` is the UUID v4 every API and the audio engine use.
 */
export const tracks = sqliteTable(
  'tracks',
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    id: text().notNull().unique(),
    directoryId: text().references(() => libraryDirectories.id, { onDelete: 'set null' }),
    relPath: text().notNull(),
    /** Last known absolute path, kept when the track's directory is removed from the library. */
    formerPath: text(),
    fileName: text().notNull(),
    /** Extension without the dot, lower case. */
    fileExt: text().notNull(),
    sizeBytes: integer().notNull(),
    mtimeMs: integer().notNull(),
    inode: integer(),
    /** Identity of the audio payload (PROTOCOLS.md A4); null until hashed. */
    audioHash: text(),
    /** Size + sampled bytes; for screening only, never the identity. */
    quickHash: text(),
    hashedAt: ms(),
    hashMethod: text(),

    format: text(),
    codec: text(),
    isLossless: bool(),
    bitrate: integer(),
    sampleRate: integer(),
    channels: integer(),
    bitDepth: integer(),
    durationMs: integer(),

    title: text(),
    artist: text(),
    album: text(),
    albumArtist: text(),
    genre: text(),
    year: integer(),
    trackNumber: integer(),
    trackTotal: integer(),
    discNumber: integer(),
    discTotal: integer(),
    comment: text(),
    label: text(),
    isrc: text(),
    composer: text(),
    remixer: text(),
    grouping: text(),
    isCompilation: bool().notNull().default(false),
    tagBpm: real(),
    tagKey: text(),
    /** The tag key parsed into pitch class + mode (null when absent or unreadable). */
    tagKeyPitch: integer(),
    tagKeyMode: integer(),
    /** Something worth telling the DJ that does not stop playback, e.g. a misleading extension. */
    fileWarning: text(),
    /** Tag fields the user edited here: scans keep these instead of the file's values. */
    editedFields: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
    /** 'tags' when read from the file, 'filename' when guessed from the path. */
    metadataSource: text({ enum: ['tags', 'filename', 'user'] }),
    artworkId: text().references(() => artworks.id, { onDelete: 'set null' }),

    /** Effective values: user correction, else analysis, else tag. Recomputed in one place. */
    bpm: real(),
    keyPitch: integer(),
    keyMode: integer(),
    energy: real(),
    bpmOverride: real(),
    keyPitchOverride: integer(),
    keyModeOverride: integer(),
    /** The user's grid anchor (seconds to the first downbeat): wins over every analysis. */
    beatOffsetOverride: real(),
    isAnalyzed: bool().notNull().default(false),
    /** Where the effective BPM and key come from, and how sure that source is (0–1; null for tags and the user). */
    bpmSource: text({ enum: ['user', 'builtin', 'server', 'tag'] }),
    bpmConfidence: real(),
    keySource: text({ enum: ['user', 'builtin', 'server', 'tag'] }),
    keyConfidence: real(),
    /**
     * Camelot position of the effective key (1A=2, 1B=3 … 12B=25): keys sort the way DJs read
     * them. Computed by SQLite from key_pitch/key_mode.
     */
    keySort: integer().generatedAlwaysAs(
      sql`CASE WHEN key_pitch IS NULL OR key_mode IS NULL THEN NULL ELSE ((CASE key_mode WHEN 1 THEN (7 * key_pitch + 7) % 12 ELSE (7 * key_pitch + 4) % 12 END) + 1) * 2 + key_mode END`,
      { mode: 'virtual' },
    ),

    isMissing: bool().notNull().default(false),
    missingSince: ms(),
    missingReason: text({ enum: ['deleted', 'offline', 'directory_removed', 'unreadable'] }),
    isBroken: bool().notNull().default(false),
    brokenReason: text(),

    rating: integer().notNull().default(0),
    color: text(),
    energyLevel: integer(),
    playCount: integer().notNull().default(0),
    lastPlayedAt: ms(),
    dateAdded: ms().notNull(),
    duplicateGroupId: integer(),
    lastScanId: integer(),
    tagsReadAt: ms(),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
  },
  (t) => [
    uniqueIndex('tracks_directory_path_uq').on(t.directoryId, t.relPath),
    index('tracks_audio_hash_idx').on(t.audioHash),
    index('tracks_missing_idx').on(t.isMissing, t.missingSince),
    index('tracks_duplicate_group_idx').on(t.duplicateGroupId),
    index('tracks_artist_idx').on(sql`${t.artist} COLLATE NOCASE`),
    index('tracks_bpm_idx').on(t.bpm),
    index('tracks_date_added_idx').on(t.dateAdded),
    index('tracks_genre_idx').on(sql`${t.genre} COLLATE NOCASE`),
    // one index per column the library table sorts by, so any sort is a walk of an index
    index('tracks_title_idx').on(sql`${t.title} COLLATE NOCASE`),
    index('tracks_album_idx').on(sql`${t.album} COLLATE NOCASE`),
    index('tracks_year_idx').on(t.year),
    index('tracks_key_sort_idx').on(t.keySort),
    index('tracks_rating_idx').on(t.rating),
    index('tracks_duration_idx').on(t.durationMs),
    index('tracks_play_count_idx').on(t.playCount),
    index('tracks_energy_idx').on(t.energyLevel),
  ],
);

export type Track = typeof tracks.$inferSelect;
export type NewTrack = typeof tracks.$inferInsert;

/** Files removed from the library by the user: scans leave them out although they are still on disk. */
export const trackExclusions = sqliteTable(
  'track_exclusions',
  {
    directoryId: text()
      .notNull()
      .references(() => libraryDirectories.id, { onDelete: 'cascade' }),
    relPath: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [uniqueIndex('track_exclusions_uq').on(t.directoryId, t.relPath)],
);
