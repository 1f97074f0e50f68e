import { sqliteTable, text, integer, real, index, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { bool, ms } from './columns';
import { tracks } from './tracks';

/** Static, smart, session (DJ gig history), temp ("thinking") playlists and folders. */
export const playlists = sqliteTable(
  'playlists',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text(),
    type: text({ enum: ['static', 'smart', 'session', 'temp', 'folder'] }).notNull(),
    parentId: text().references((): AnySQLiteColumn => playlists.id, { onDelete: 'set null' }),
    sortOrder: integer().notNull().default(0),
    color: text(),
    icon: text(),
    isFavorite: bool().notNull().default(false),
    isReadonly: bool().notNull().default(false),
    smartRules: text({ mode: 'json' }).$type<unknown>(),
    smartSort: text({ mode: 'json' }).$type<unknown>(),
    smartLimit: text({ mode: 'json' }).$type<unknown>(),
    smartRefreshedAt: ms(),
    sessionVenue: text(),
    sessionStartedAt: ms(),
    sessionEndedAt: ms(),
    sessionLastActivityAt: ms(),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
  },
  (t) => [index('playlists_type_idx').on(t.type), index('playlists_parent_idx').on(t.parentId)],
);

/**
 * Entries keep a placeholder (artist, title, duration) so a track deleted from the library leaves
 * a visible, relinkable row instead of vanishing.
 */
export const playlistTracks = sqliteTable(
  'playlist_tracks',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    playlistId: text()
      .notNull()
      .references(() => playlists.id, { onDelete: 'cascade' }),
    trackId: text().references(() => tracks.id, { onDelete: 'set null' }),
    position: integer().notNull(),
    addedAt: ms().notNull(),
    playedAt: ms(),
    playDurationMs: integer(),
    notes: text(),
    cueInSec: real(),
    cueOutSec: real(),
    ratingInContext: integer(),
    placeholder: text({ mode: 'json' }).$type<{ artist?: string | null; title?: string | null; durationMs?: number | null; path?: string | null }>(),
  },
  (t) => [index('playlist_tracks_position_idx').on(t.playlistId, t.position), index('playlist_tracks_track_idx').on(t.trackId)],
);

export const REACTIONS = ['good', 'filler', 'cleared'] as const;
export type Reaction = (typeof REACTIONS)[number];

/**
 * How a play went, marked during a DJ session (😀 good, 💃 floor filler, 😡 cleared the floor): one
 * per play (a session entry, and gone with it); the track's id is kept beside it so suggestions can
 * count a track's reactions over every session ("filled the floor 3 times") through one index.
 */
export const playReactions = sqliteTable(
  'play_reactions',
  {
    entryId: integer()
      .primaryKey()
      .references(() => playlistTracks.id, { onDelete: 'cascade' }),
    trackId: text().references(() => tracks.id, { onDelete: 'cascade' }),
    reaction: text({ enum: REACTIONS }).notNull(),
    reactedAt: ms().notNull(),
  },
  (t) => [index('play_reactions_track_idx').on(t.trackId, t.reaction)],
);

export type Playlist = typeof playlists.$inferSelect;
export type PlaylistTrack = typeof playlistTracks.$inferSelect;
