import { asc, desc, eq, sql } from 'drizzle-orm';
import { libraryDirectories, playlistTracks, playlists, type Reaction } from '@/drizzle/schema';
import type { Db } from '../db/client';
import { reactionsOf } from '../sessions/reactions';
import { tracksByIds } from '../tracks/track-rows';
import { entryDetails, playlistById, playlistStats } from './playlists';
import { explainRule, type SmartDefinition } from './rules';
import { smartCount, smartDefinitionOf, smartTrackIds } from './smart';

/** A playlist or folder as the sidebar lists it, with its size. */
export interface PlaylistListItem {
  id: string;
  name: string;
  type: 'static' | 'smart' | 'session' | 'temp' | 'folder';
  parentId: string | null;
  color: string | null;
  icon: string | null;
  isFavorite: boolean;
  isReadonly: boolean;
  sortOrder: number;
  sessionStartedAt: number | null;
  sessionEndedAt: number | null;
  count: number;
}

/** Every playlist and folder (the sidebar), with its size; `q` searches names. */
export function listPlaylists(db: Db, q?: string): PlaylistListItem[] {
  const term = q?.trim();
  const rows = db.all<Omit<PlaylistListItem, 'isFavorite' | 'isReadonly'> & { isFavorite: number; isReadonly: number }>(
    sql`SELECT p.id, p.name, p.type, p.parent_id AS parentId, p.color, p.icon, p.is_favorite AS isFavorite, p.is_readonly AS isReadonly,
             p.sort_order AS sortOrder, p.session_started_at AS sessionStartedAt, p.session_ended_at AS sessionEndedAt,
             (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id) AS count
           FROM playlists p ${term ? sql`WHERE instr(lower(p.name), lower(${term})) > 0` : sql``}
           ORDER BY p.type = 'temp' DESC, p.type = 'session', p.sort_order, p.name COLLATE NOCASE`,
  );
  return rows.map((r) => ({ ...r, isFavorite: r.isFavorite === 1, isReadonly: r.isReadonly === 1 }));
}

/** Names for `explain`: playlists and folders by id. */
function namer(db: Db) {
  return {
    playlist: (id: string) => db.select({ n: playlists.name }).from(playlists).where(eq(playlists.id, id)).get()?.n,
    directory: (id: string) => db.select({ n: libraryDirectories.name }).from(libraryDirectories).where(eq(libraryDirectories.id, id)).get()?.n,
  };
}

/** One playlist with its statistics; smart ones with their rules read back as a sentence. */
export function playlistView(db: Db, id: string) {
  const p = playlistById(db, id);
  const smart = p.type === 'smart' ? smartDefinitionOf(p) : null;
  return { ...p, smart, explain: smart ? explainRule(smart.rules, namer(db)) : null, stats: playlistStats(db, p.id) };
}

/** Its tracks in order, with notes, cue in/out, play times and placeholders (a smart playlist's as last refreshed). */
export function playlistEntries(db: Db, id: string) {
  const p = playlistById(db, id);
  const rows = db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, p.id)).orderBy(asc(playlistTracks.position), asc(playlistTracks.id)).all();
  const byId = new Map(tracksByIds(db, [...new Set(rows.map((r) => r.trackId).filter((x): x is string => !!x))]).map((t) => [t.id, t]));
  const reactions =
    p.type === 'session'
      ? reactionsOf(
          db,
          rows.map((r) => r.id),
        )
      : new Map<number, Reaction>();
  return rows.map((r) => ({
    entryId: r.id,
    position: r.position,
    track: r.trackId ? (byId.get(r.trackId) ?? null) : null,
    ...entryDetails(r),
    placeholder: r.placeholder,
    reaction: reactions.get(r.id) ?? null,
  }));
}

/** Live preview while editing rules: how many match, the first ones, and the sentence. */
export function smartPreview(db: Db, input: SmartDefinition & { limitPreview: number }, now: number) {
  const ids = smartTrackIds(db, input, now);
  return { count: smartCount(db, input, now), selected: ids.length, explain: explainRule(input.rules, namer(db)), tracks: tracksByIds(db, ids.slice(0, input.limitPreview)) };
}

/** DJ sessions, newest first. */
export function listSessions(db: Db) {
  return db.select().from(playlists).where(eq(playlists.type, 'session')).orderBy(desc(playlists.sessionStartedAt)).all();
}
