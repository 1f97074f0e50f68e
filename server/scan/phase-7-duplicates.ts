import { inArray } from 'drizzle-orm';
import { tracks } from '@/drizzle/schema';
import { pacer } from '../db/slices';
import { writeTx } from '../db/tx';
import { refreshDuplicateGroups } from '../tracks/duplicate-groups';
import type { ScanWriter } from './phase-4-write';

/** Phase 7 — duplicates: groups refreshed for every audio hash the scan touched (and files back from missing). */

/** Audio hashes whose duplicate groups are refreshed per transaction. */
const DUPLICATE_HASHES = 100;

/** Refreshes the duplicate groups of every audio hash the scan touched. */
export async function refreshDuplicates(w: ScanWriter) {
  const now = w.ctx.clock.now();
  if (w.restoredIds.size) {
    const ids = [...w.restoredIds];
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of w.ctx.db
        .select({ h: tracks.audioHash })
        .from(tracks)
        .where(inArray(tracks.id, ids.slice(i, i + 500)))
        .all())
        if (r.h) w.touched.add(r.h);
    }
  }
  const hashes = [...w.touched];
  const pace = pacer();
  for (let i = 0; i < hashes.length; i += DUPLICATE_HASHES, await pace()) {
    writeTx(w.ctx.db, (tx) => {
      w.stats.duplicates += refreshDuplicateGroups(tx, hashes.slice(i, i + DUPLICATE_HASHES), now);
    });
  }
}
