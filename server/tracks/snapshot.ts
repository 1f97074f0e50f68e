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

export interface RestoreOptions {
  /** Moves a track to another path (e.g. a restored file that could not go back to its old name). */
  relPathOf?: (t: Track) => string;
  /** Entries get every field back, positions included (undoing a merge that renumbered them), not only their track. */
  wholeEntries?: boolean;
}

/**
 * Puts back what a snapshot holds: tracks (same ids; a track that is back already is left alone),
 * their cues, and their playlist entries (an entry that became a placeholder is pointed at its
 * track again). A track whose folder and path hold another track now is not put back, nor are its
 * cues and entries (they stay with the snapshot, placeholders stay placeholders): the outcome
 * says which, for the caller to tell. An entry whose track or playlist has left the library since
 * stays as it is now. Call inside a write transaction.
 */
export function restoreSnapshotTx(tx: Executor, snap: CleanupSnapshot, now: number, opts: RestoreOptions = {}): RestoreOutcome {
  const { relPathOf } = opts;
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
  restoreEntriesTx(tx, snap.playlistEntries as (typeof playlistTracks.$inferSelect)[], opts.wholeEntries ?? false);
  return out;
}

/**
 * Puts playlist entries back: an entry that became a placeholder points at its track again (with
 * `whole`, every field goes back, positions included); a deleted one comes back. An entry of a
 * track that is not in the library now stays as it is (a placeholder), and one of a deleted
 * playlist went with it.
 */
function restoreEntriesTx(tx: Executor, entries: (typeof playlistTracks.$inferSelect)[], whole: boolean) {
  for (const e of entries) {
    if (e.trackId && !tx.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, e.trackId)).get()) continue;
    if (!tx.select({ id: playlists.id }).from(playlists).where(eq(playlists.id, e.playlistId)).get()) continue;
    const still = tx.select({ id: playlistTracks.id }).from(playlistTracks).where(eq(playlistTracks.id, e.id)).get();
    if (still)
      tx.update(playlistTracks)
        .set(whole ? e : { trackId: e.trackId, placeholder: null })
        .where(eq(playlistTracks.id, e.id))
        .run();
    else tx.insert(playlistTracks).values(e).onConflictDoNothing().run();
  }
}
