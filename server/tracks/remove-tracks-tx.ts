import { inArray, sql } from 'drizzle-orm';
import { playlistTracks, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';

const CHUNK = 500;

/**
 * Deletes tracks from the library (never their files). Playlist entries pointing at them keep a
 * placeholder (artist, title, duration, path) and stay visible and relinkable. Call inside a
 * write transaction.
 */
export function removeTracksTx(tx: Executor, trackIds: string[], now: number): number {
  let removed = 0;
  for (let i = 0; i < trackIds.length; i += CHUNK) {
    const ids = trackIds.slice(i, i + CHUNK);
    tx.run(sql`
      UPDATE ${playlistTracks} SET placeholder = json_object(
        'artist', t.artist, 'title', t.title, 'durationMs', t.duration_ms,
        'path', coalesce(d.path || '/' || t.rel_path, t.former_path, t.rel_path))
      FROM ${tracks} t LEFT JOIN library_directories d ON d.id = t.directory_id
      WHERE t.id = ${playlistTracks.trackId} AND t.id IN (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`);
    removed += tx.delete(tracks).where(inArray(tracks.id, ids)).run().changes;
    appendEvent(tx, 'track:deleted', { trackIds: ids }, now);
  }
  return removed;
}
