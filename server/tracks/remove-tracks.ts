import { inArray } from 'drizzle-orm';
import { trackExclusions, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { NotFoundError } from '../errors';
import { removeTracksTx } from './remove-tracks-tx';
import { RemoveTracksInput } from './schemas';

/**
 * Removes tracks from the library; their files stay where they are, and are left out of later
 * scans (until the exclusion is lifted). Playlist entries keep a placeholder.
 */
export function removeTracks(ctx: AppContext, raw: { ids: string[] }) {
  const { ids } = RemoveTracksInput.parse(raw);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const rows = tx.select({ id: tracks.id, directoryId: tracks.directoryId, relPath: tracks.relPath }).from(tracks).where(inArray(tracks.id, ids)).all();
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw new NotFoundError('track', missing[0]!);
    for (const r of rows) if (r.directoryId) tx.insert(trackExclusions).values({ directoryId: r.directoryId, relPath: r.relPath, createdAt: now }).onConflictDoNothing().run();
    return { removed: removeTracksTx(tx, ids, now) };
  });
}
