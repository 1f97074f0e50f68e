import { and, eq, inArray } from 'drizzle-orm';
import { hotCues, libraryDirectories, playlists, playlistTracks, tracks, type CleanupSnapshot, type Track } from '@/drizzle/schema';
import type { Executor } from '../db/client';

const CHUNK = 500;

function chunked<T>(ids: string[], f: (slice: string[]) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...f(ids.slice(i, i + CHUNK)));
  return out;
}

/** Everything the library holds about these tracks: rows, hot cues, playlist entries. */
export function snapshotTracks(ex: Executor, ids: string[]): CleanupSnapshot {
  return {
    tracks: chunked(ids, (s) => ex.select().from(tracks).where(inArray(tracks.id, s)).all()),
    hotCues: chunked(ids, (s) => ex.select().from(hotCues).where(inArray(hotCues.trackId, s)).all()),
    playlistEntries: chunked(ids, (s) => ex.select().from(playlistTracks).where(inArray(playlistTracks.trackId, s)).all()),
  };
}

/** What a restore put back, and what it could not: a track whose place holds another track now. */
export interface RestoreOutcome {
  restored: string[];
  occupied: { id: string; relPath: string }[];
}

/**
 * Puts back what a snapshot holds: tracks (same ids; a track that is back already is left alone),
 * their cues, and their playlist entries (an entry that became a placeholder is pointed at its
 * track again). A track whose folder and path hold another track now is not put back, nor are its
 * cues and entries (they stay with the snapshot, placeholders stay placeholders): the outcome
 * says which, for the caller to tell. `relPathOf` may move a track to another path (e.g. a
 * restored file that could not go back to its old name). Call inside a write transaction.
 */
export function restoreSnapshotTx(tx: Executor, snap: CleanupSnapshot, now: number, relPathOf?: (t: Track) => string): RestoreOutcome {
  const liveDirs = new Set(
    tx
      .select({ id: libraryDirectories.id })
      .from(libraryDirectories)
      .all()
      .map((d) => d.id),
  );
  const out: RestoreOutcome = { restored: [], occupied: [] };
  const left = new Set<string>();
  for (const raw of snap.tracks) {
    const t = raw as unknown as Track;
    if (tx.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, t.id)).get()) continue;
    // the old seq too: it is free (AUTOINCREMENT never reuses one) and keeps the row's place in keyset paging
    const { keySort: _keySort, ...row } = t;
    // its folder may have been removed since; then the track keeps its old path as formerPath
    const dirOk = row.directoryId !== null && liveDirs.has(row.directoryId);
    const relPath = relPathOf?.(t) ?? row.relPath;
    const directoryId = dirOk ? row.directoryId : null;
    const there =
      directoryId !== null &&
      tx
        .select({ id: tracks.id })
        .from(tracks)
        .where(and(eq(tracks.directoryId, directoryId), eq(tracks.relPath, relPath)))
        .get();
    if (there) {
      out.occupied.push({ id: t.id, relPath });
      left.add(t.id);
      continue;
    }
    tx.insert(tracks)
      .values({ ...row, relPath, fileName: relPath.split('/').at(-1)!, directoryId, updatedAt: now })
      .run();
    out.restored.push(t.id);
  }
  for (const raw of snap.hotCues) {
    const cue = raw as typeof hotCues.$inferInsert;
    if (!left.has(cue.trackId)) tx.insert(hotCues).values(cue).onConflictDoNothing().run();
  }
  for (const raw of snap.playlistEntries) {
    const e = raw as typeof playlistTracks.$inferSelect;
    if (e.trackId && left.has(e.trackId)) continue;
    // its playlist was deleted since: the entry went with it
    if (!tx.select({ id: playlists.id }).from(playlists).where(eq(playlists.id, e.playlistId)).get()) continue;
    const still = tx.select({ id: playlistTracks.id }).from(playlistTracks).where(eq(playlistTracks.id, e.id)).get();
    if (still) tx.update(playlistTracks).set({ trackId: e.trackId, placeholder: null }).where(eq(playlistTracks.id, e.id)).run();
    else tx.insert(playlistTracks).values(e).onConflictDoNothing().run();
  }
  return out;
}
