import type Database from 'better-sqlite3';
import { appVersion } from '../version';

/**
 * Everything a DJ made by hand, as JSON: ratings, colours, energy levels and play statistics,
 * hot cues, playlists (static, smart rules, sessions, folders) with their entries. Tracks are
 * named by id, audio hash and path together, so the file stays useful even after a rebuild of the
 * library from scratch. Scan results and analysis are left out: those can be made again.
 */
export function exportUserData(sqlite: Database.Database, now: number) {
  const tracks = sqlite
    .prepare(
      `SELECT t.id, t.audio_hash AS audioHash, d.path || '/' || t.rel_path AS path, t.artist, t.title, t.duration_ms AS durationMs,
              t.rating, t.color, t.energy_level AS energyLevel, t.play_count AS playCount, t.last_played_at AS lastPlayedAt
         FROM tracks t LEFT JOIN library_directories d ON d.id = t.directory_id
        WHERE t.rating > 0 OR t.color IS NOT NULL OR t.energy_level IS NOT NULL OR t.play_count > 0
           OR EXISTS (SELECT 1 FROM hot_cues c WHERE c.track_id = t.id)
           OR EXISTS (SELECT 1 FROM playlist_tracks p WHERE p.track_id = t.id)
        ORDER BY t.id`,
    )
    .all();
  const hotCues = sqlite
    .prepare(
      `SELECT track_id AS trackId, cue_index AS cueIndex, position_sec AS positionSec, name, color, is_loop AS isLoop,
              loop_end_sec AS loopEndSec, source FROM hot_cues ORDER BY track_id, cue_index`,
    )
    .all()
    .map((c) => ({ ...(c as Record<string, unknown>), isLoop: Boolean((c as { isLoop: number }).isLoop) }));
  const playlists = sqlite
    .prepare(
      `SELECT id, name, description, type, parent_id AS parentId, sort_order AS sortOrder, color, icon, is_favorite AS isFavorite,
              smart_rules AS smartRules, smart_sort AS smartSort, smart_limit AS smartLimit, session_venue AS sessionVenue,
              session_started_at AS sessionStartedAt, session_ended_at AS sessionEndedAt, created_at AS createdAt
         FROM playlists ORDER BY type, sort_order, name`,
    )
    .all() as ({ id: string } & Record<string, unknown>)[];
  const entries = sqlite
    .prepare(
      `SELECT playlist_id AS playlistId, track_id AS trackId, position, added_at AS addedAt, played_at AS playedAt,
              play_duration_ms AS playDurationMs, notes, cue_in_sec AS cueInSec, cue_out_sec AS cueOutSec,
              rating_in_context AS ratingInContext, placeholder
         FROM playlist_tracks ORDER BY playlist_id, position`,
    )
    .all() as (Record<string, unknown> & { playlistId: string; placeholder: string | null })[];
  const byPlaylist = new Map<string, unknown[]>();
  for (const { playlistId, placeholder, ...e } of entries) {
    const list = byPlaylist.get(playlistId) ?? [];
    list.push({ ...e, placeholder: placeholder ? (JSON.parse(placeholder) as unknown) : null });
    byPlaylist.set(playlistId, list);
  }
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  return {
    format: 'mismo-library-user-data',
    formatVersion: 1,
    appVersion: appVersion(),
    exportedAt: new Date(now).toISOString(),
    tracks,
    hotCues,
    playlists: playlists.map((p) => ({
      ...p,
      isFavorite: Boolean(p.isFavorite),
      smartRules: json(p.smartRules),
      smartSort: json(p.smartSort),
      smartLimit: json(p.smartLimit),
      entries: byPlaylist.get(p.id) ?? [],
    })),
  };
}
