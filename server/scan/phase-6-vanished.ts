import { pacer } from '../db/slices';
import { writeTx } from '../db/tx';
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
 * to keep, and a ghost "missing" row would only wait for a file that never was whole.
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
      const missing = gone.filter((e) => !ghosts.has(e.id)).map((e) => e.id);
      markMissingTx(tx, { trackIds: missing }, 'deleted', now, { directoryId: w.dir.id });
      removeTracksTx(tx, [...ghosts], now);
      w.stats.missing += missing.length;
      w.stats.removed += ghosts.size;
      for (const e of gone) if (e.audioHash) w.touched.add(e.audioHash);
    });
  }
}
