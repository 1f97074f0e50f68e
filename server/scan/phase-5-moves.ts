import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import { pacer } from '../db/slices';
import { writeTx } from '../db/tx';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';
import { FLUSH_ROWS, type ScanWriter } from './phase-4-write';
import type { KnownRow, Result } from './scan-types';
import { effectiveColumns } from '../tracks/effective-values';
import { analysisColumns } from './track-rows';

/** Phase 5 — moves: new files whose audio the library already knows are moves or copies. */

type Place = { id: string; directoryId: string | null; relPath: string };
interface Decision {
  r: Result;
  /** The track this file is, moved here; none: a copy (or new), with a row of its own. */
  moveFrom?: Place;
}

/**
 * New files whose audio the library already knows: if a track with that audio has lost its
 * file (missing, vanished in this walk, or gone from another folder), the new file is that
 * track, moved; otherwise it is a duplicate and gets its own row.
 */
export async function resolveMoves(w: ScanWriter, seen: Set<string>, existing: Map<string, KnownRow>) {
  if (w.deferred.length === 0) return;
  const decisions = await decide(w, seen, existing);
  const now = w.ctx.clock.now();
  const pace = pacer();
  for (let i = 0; i < decisions.length; i += FLUSH_ROWS, await pace()) {
    writeTx(w.ctx.db, (tx) => {
      const added: string[] = [];
      const owned = w.owned(tx);
      for (const decision of decisions.slice(i, i + FLUSH_ROWS)) {
        if (owned.has(decision.r.entry.relPath)) continue;
        const id = write(w, tx, decision, owned, now);
        if (id) added.push(id);
      }
      if (added.length) appendEvent(tx, 'track:added', { trackIds: added, directoryId: w.dir.id }, now);
    });
  }
  w.deferred.length = 0;
}

/** Which track each file is: at most one file takes over a track whose file is gone. */
async function decide(w: ScanWriter, seen: Set<string>, existing: Map<string, KnownRow>): Promise<Decision[]> {
  const dirs = new Map(
    w.ctx.db
      .select()
      .from(libraryDirectories)
      .all()
      .map((d) => [d.id, d]),
  );
  const claimed = new Set<string>();
  const decisions: Decision[] = [];
  const pace = pacer();
  for (const r of w.deferred) {
    await pace();
    // a broken row whose file vanished while a whole file with its inode appeared: renamed
    const b = r.brokenFrom ? w.brokenByInode.get(r.entry.inode) : undefined;
    if (b && !claimed.has(b.id) && !seen.has(b.relPath)) {
      claimed.add(b.id);
      decisions.push({ r, moveFrom: { id: b.id, directoryId: w.dir.id, relPath: b.relPath } });
      continue;
    }
    const candidates = w.ctx.db
      .select({ id: tracks.id, directoryId: tracks.directoryId, relPath: tracks.relPath, isMissing: tracks.isMissing })
      .from(tracks)
      .where(eq(tracks.audioHash, r.analysis.hash.audioHash))
      .all()
      .filter((c) => c.id !== r.trackId && !claimed.has(c.id));
    let moveFrom: Place | undefined;
    for (const c of candidates) {
      const d = c.directoryId ? dirs.get(c.directoryId) : undefined;
      const gone =
        c.isMissing ||
        (c.directoryId === w.dir.id && existing.has(c.relPath) && !seen.has(c.relPath)) ||
        (d &&
          c.directoryId !== w.dir.id &&
          d.isAvailable &&
          !(await fs.stat(path.join(d.path, c.relPath)).then(
            () => true,
            () => false,
          )));
      // a missing track on an unplugged drive is offline, not moved
      if (gone && !(c.isMissing && d && !d.isAvailable)) {
        moveFrom = c;
        break;
      }
    }
    if (moveFrom) claimed.add(moveFrom.id);
    decisions.push({ r, moveFrom });
  }
  return decisions;
}

/** Writes one decision (inside the caller's transaction); returns the id of a row it added. */
function write(w: ScanWriter, tx: Executor, decision: Decision, owned: Set<string>, now: number): string | undefined {
  const { r } = decision;
  let { moveFrom } = decision;
  // what was decided may have changed since (a file operation ended in between): a row
  // now at the path is this file's, and a track that moved elsewhere is not moved here
  const at = w.rowAt(r.entry.relPath);
  if (at && at !== r.trackId) {
    r.trackId = at;
    moveFrom = undefined;
  }
  if (moveFrom) {
    const from = moveFrom;
    const still = tx.select({ directoryId: tracks.directoryId, relPath: tracks.relPath }).from(tracks).where(eq(tracks.id, from.id)).get();
    const unmoved = still?.directoryId === from.directoryId && still.relPath === from.relPath;
    if (!unmoved || (from.directoryId === w.dir.id && owned.has(from.relPath))) moveFrom = undefined;
  }
  const cols = analysisColumns(r.entry, r.analysis, now);
  w.touched.add(r.analysis.hash.audioHash);
  if (moveFrom && moveFrom.id !== r.trackId) {
    // a fast scan's quick row for this file gives way to the track it really is
    if (r.trackId) {
      tx.delete(tracks).where(eq(tracks.id, r.trackId)).run();
      appendEvent(tx, 'track:deleted', { trackIds: [r.trackId] }, now);
      w.stats.added--;
    }
    const keep = tx
      .select({ bpmOverride: tracks.bpmOverride, keyPitchOverride: tracks.keyPitchOverride, keyModeOverride: tracks.keyModeOverride })
      .from(tracks)
      .where(eq(tracks.id, moveFrom.id))
      .get()!;
    tx.update(tracks)
      .set({
        ...cols,
        ...effectiveColumns(w.lookup, cols, { bpm: keep.bpmOverride, keyPitch: keep.keyPitchOverride, keyMode: keep.keyModeOverride }),
        directoryId: w.dir.id,
        formerPath: null,
        isMissing: false,
        missingSince: null,
        missingReason: null,
        lastScanId: w.scanId,
      })
      .where(eq(tracks.id, moveFrom.id))
      .run();
    const to = { directoryId: w.dir.id, relPath: r.entry.relPath };
    appendEvent(tx, 'track:moved', { trackId: moveFrom.id, from: { directoryId: moveFrom.directoryId, relPath: moveFrom.relPath }, to }, now);
    w.stats.moved++;
    return undefined;
  }
  if (r.trackId) {
    tx.update(tracks)
      .set({ ...cols, ...effectiveColumns(w.lookup, cols), lastScanId: w.scanId })
      .where(eq(tracks.id, r.trackId))
      .run();
    appendEvent(tx, 'track:updated', { trackIds: [r.trackId], fields: ['tags', 'file'] }, now);
    return undefined;
  }
  const id = crypto.randomUUID();
  tx.insert(tracks)
    .values({ ...cols, ...effectiveColumns(w.lookup, cols), id, directoryId: w.dir.id, dateAdded: now, createdAt: now, lastScanId: w.scanId })
    .run();
  w.stats.added++;
  return id;
}
