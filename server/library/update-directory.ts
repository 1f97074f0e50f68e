import { eq } from 'drizzle-orm';
import { libraryDirectories, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { NotFoundError } from '../errors';
import { directoryById } from '../folders/directories.repo';
import { UpdateDirectoryInput } from '../folders/schemas';

/** Changes a folder's name, flags and scan rules (not its path). Emits `library:directory:updated`. */
export function updateDirectory(ctx: AppContext, raw: UpdateDirectoryInput): LibraryDirectory {
  const { id, ...changes } = UpdateDirectoryInput.parse(raw);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    if (!directoryById(tx, id)) throw new NotFoundError('library directory', id);
    const row = tx
      .update(libraryDirectories)
      .set({ ...changes, updatedAt: now })
      .where(eq(libraryDirectories.id, id))
      .returning()
      .get();
    appendEvent(tx, 'library:directory:updated', { directoryId: id, fields: Object.keys(changes) }, now);
    return row;
  });
}
