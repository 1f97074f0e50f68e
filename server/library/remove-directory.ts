import { eq } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { NotFoundError } from '../errors';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { directoryById } from '../folders/directories.repo';
import { RemoveDirectoryInput } from '../folders/schemas';
import { markMissingTx } from '../tracks/mark-missing';

/**
 * Removes a folder from the library. Files on disk are never touched. `tracks: 'keep'` keeps its
 * tracks as missing (reason `directory_removed`, last path remembered) so ratings, cues and
 * playlist entries survive and can be relocated; `'remove'` deletes them from the library.
 */
export function removeDirectory(ctx: AppContext, raw: RemoveDirectoryInput): { removedTracks: number; keptTracks: number } {
  const input = RemoveDirectoryInput.parse(raw);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const dir = directoryById(tx, input.id);
    if (!dir) throw new NotFoundError('library directory', input.id);
    const ids = tx
      .select({ id: tracks.id })
      .from(tracks)
      .where(eq(tracks.directoryId, dir.id))
      .all()
      .map((r) => r.id);
    let removedTracks = 0;
    let keptTracks = 0;
    if (input.tracks === 'remove') {
      removedTracks = removeTracksTx(tx, ids, now);
    } else {
      keptTracks = markMissingTx(tx, { directoryId: dir.id, presentOnly: false }, 'directory_removed', now, { formerPathIn: dir.path });
    }
    tx.delete(libraryDirectories).where(eq(libraryDirectories.id, dir.id)).run();
    appendEvent(tx, 'library:directory:removed', { directoryId: dir.id, keptTracks: input.tracks === 'keep' }, now);
    return { removedTracks, keptTracks };
  });
}
