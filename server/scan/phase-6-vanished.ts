import { eq, sql } from 'drizzle-orm';
import { tracks, type Track } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { pacer } from '../db/slices';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { analysisLookup, effectiveColumns } from '../tracks/effective-values';
import { markMissingTx } from '../tracks/mark-missing';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import type { ScanWriter } from './phase-4-write';
import { inScope, type KnownRow } from './scan-types';

/** Phase 6 — missing: what the walk did not find (a complete walk of a present folder only). */

/** Vanished files marked missing per transaction (a lookup per row, an update, an event). */
const VANISH_ROWS = 200;

/**
 * Files of this folder (within the scope) that the walk did not find: missing, never deleted —
 * except a broken file's row with nothing attached (no playlist entry, no cue): there is nothing
 * to keep, and a ghost "missing" row would only wait for a file that never was whole. A vanished
 * track whose audio came back elsewhere as an untouched copy was moved: it takes that file over.
 */
export async function markVanished(w: ScanWriter, existing: Map<string, KnownRow>, seen: Set<string>, scope: string, unreadable: { relPath: string }[] = []) {
  const now = w.ctx.clock.now();
  const candidates = [...existing.values()].filter(
    (e) => !e.isMissing && !seen.has(e.relPath) && inScope(scope, e.relPath) && !unreadable.some((u) => inScope(u.relPath, e.relPath)),
  );
  if (candidates.length === 0) return;
  const pathNow = w.ctx.db.$client.prepare('SELECT rel_path AS relPath, directory_id AS directoryId FROM tracks WHERE id = ?');
  const attached = w.ctx.db.$client.prepare('SELECT EXISTS (SELECT 1 FROM playlist_tracks WHERE track_id = ?) OR EXISTS (SELECT 1 FROM hot_cues WHERE track_id = ?) AS yes');
  // slices, each its own short transaction, with other work let in between (a folder of
  // 100,000 vanished files was one 7 s stall of the worker)
  const pace = pacer();
  for (let i = 0; i < candidates.length; i += VANISH_ROWS, await pace()) {
    const slice = candidates.slice(i, i + VANISH_ROWS);
    writeTx(w.ctx.db, (tx) => {
      // a track that moved during this scan is no longer at its old path: it did not vanish
      const vanished = slice.filter((e) => {
        const at = pathNow.get(e.id) as { relPath: string; directoryId: string | null } | undefined;
        return at?.relPath === e.relPath && at.directoryId === w.dir.id;
      });
      // a file operation at work on the path says what became of it when it ends
      const owned = w.owned(tx);
      const gone = vanished.filter((e) => !owned.has(e.relPath));
      const ghosts = new Set(gone.filter((e) => e.isBroken && !(attached.get(e.id, e.id) as { yes: number }).yes).map((e) => e.id));
      const missing: string[] = [];
      for (const e of gone) {
        if (ghosts.has(e.id)) continue;
        if (e.audioHash && takeOverCopyTx(tx, e.id, e.audioHash, w.scanId, now)) w.stats.moved++;
        else missing.push(e.id);
      }
      markMissingTx(tx, { trackIds: missing }, 'deleted', now, { directoryId: w.dir.id });
      removeTracksTx(tx, [...ghosts], now);
      w.stats.missing += missing.length;
      w.stats.removed += ghosts.size;
      for (const e of gone) if (e.audioHash) w.touched.add(e.audioHash);
    });
  }
}

/** What a file's row holds that comes from the file (not from the person): taken over with the file. */
const FILE_COLUMNS = [
  'directoryId',
  'relPath',
  'fileName',
  'fileExt',
  'sizeBytes',
  'mtimeMs',
  'inode',
  'quickHash',
  'hashedAt',
  'hashMethod',
  'format',
  'codec',
  'isLossless',
  'bitrate',
  'sampleRate',
  'channels',
  'bitDepth',
  'durationMs',
  'fileWarning',
  'isBroken',
  'brokenReason',
  'lastScanId',
  'tagsReadAt',
  'metadataSource',
  'artworkId',
] as const satisfies readonly (keyof Track)[];
const TAG_COLUMNS = [
  'title',
  'artist',
  'album',
  'albumArtist',
  'genre',
  'year',
  'trackNumber',
  'trackTotal',
  'discNumber',
  'discTotal',
  'comment',
  'label',
  'isrc',
  'composer',
  'remixer',
  'grouping',
  'isCompilation',
  'tagBpm',
  'tagKey',
  'tagKeyPitch',
  'tagKeyMode',
] as const satisfies readonly (keyof Track)[];

/**
 * A vanished track whose audio is in the library again as a track nobody has touched (no cue, no
 * playlist entry, no rating, no play, no edit) was moved while the library could not see both
 * ends — e.g. copied off a stick that was unplugged before the copy was noticed, so the copy was
 * taken for a duplicate. The vanished track takes over that file (same id, cues, playlists) and
 * the untouched row goes (not while a file operation is at work on it). Only a copy that appeared
 * after the track was last seen (the start of the latest earlier complete scan that walked its
 * path) counts: a copy that sat beside it all along is a duplicate, not where it went. With more than one such copy it is not a move anyone can tell: nothing
 * happens. Returns whether it took one over.
 */
function takeOverCopyTx(tx: Executor, id: string, audioHash: string, scanId: number, now: number): boolean {
  const copies = tx.all<{ id: string }>(
    sql`SELECT t.id FROM tracks t WHERE t.audio_hash = ${audioHash} AND t.id != ${id} AND t.is_missing = 0 AND t.is_broken = 0
         AND t.rating = 0 AND t.play_count = 0 AND t.color IS NULL AND t.edited_fields = '[]'
         AND t.bpm_override IS NULL AND t.key_pitch_override IS NULL AND t.beat_offset_override IS NULL
         AND NOT EXISTS (SELECT 1 FROM hot_cues c WHERE c.track_id = t.id) AND NOT EXISTS (SELECT 1 FROM playlist_tracks p WHERE p.track_id = t.id)
         AND NOT EXISTS (SELECT 1 FROM file_operations f WHERE f.track_id = t.id AND f.status IN ('pending', 'in_progress'))
         AND t.date_added > (SELECT o.date_added FROM tracks o WHERE o.id = ${id})
       LIMIT 2`,
  );
  if (copies.length !== 1) return false;
  // when the track was last seen: the start of the latest earlier complete scan that walked its path
  const lastSeen = tx.get<{ at: number | null }>(
    sql`SELECT max(s.started_at) AS at FROM scans s JOIN tracks o ON o.id = ${id}
         WHERE s.directory_id = o.directory_id AND s.status = 'completed' AND s.id != ${scanId}
           AND (s.rel_path = '' OR o.rel_path = s.rel_path OR substr(o.rel_path, 1, length(s.rel_path) + 1) = s.rel_path || '/')`,
  )?.at;
  const copy = tx.select().from(tracks).where(eq(tracks.id, copies[0]!.id)).get()!;
  if (lastSeen !== null && lastSeen !== undefined && copy.dateAdded <= lastSeen) return false;
  const mine = tx.select().from(tracks).where(eq(tracks.id, id)).get()!;
  const edited = new Set(mine.editedFields);
  const taken: Partial<Track> = Object.fromEntries([...FILE_COLUMNS, ...TAG_COLUMNS.filter((k) => !edited.has(k))].map((k) => [k, copy[k]]));
  const merged = { ...mine, ...taken };
  const overrides = { bpm: mine.bpmOverride, keyPitch: mine.keyPitchOverride, keyMode: mine.keyModeOverride };
  // the copy's row goes first: its place (folder and path) is unique
  tx.delete(tracks).where(eq(tracks.id, copy.id)).run();
  tx.update(tracks)
    .set({ ...taken, ...effectiveColumns(analysisLookup(tx), merged, overrides), isMissing: false, missingSince: null, missingReason: null, formerPath: null, updatedAt: now })
    .where(eq(tracks.id, id))
    .run();
  appendEvent(tx, 'track:deleted', { trackIds: [copy.id] }, now);
  appendEvent(
    tx,
    'track:moved',
    { trackId: id, from: { directoryId: mine.directoryId, relPath: mine.relPath }, to: { directoryId: copy.directoryId!, relPath: copy.relPath } },
    now,
  );
  return true;
}
