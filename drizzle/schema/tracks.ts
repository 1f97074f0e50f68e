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
    isAnalyzed: bool().notNull().default(false),

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
    index('tracks_artist_idx').on(t.artist),
    index('tracks_bpm_idx').on(t.bpm),
    index('tracks_date_added_idx').on(t.dateAdded),
    index('tracks_genre_idx').on(t.genre),
  ],
);

export type Track = typeof tracks.$inferSelect;
export type NewTrack = typeof tracks.$inferInsert;
