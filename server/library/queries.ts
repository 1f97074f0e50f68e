import type { LibraryDirectory } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { directoryById, directoryCounts, listDirectories, type DirectoryCounts } from '../folders/directories.repo';

export interface DirectoryView extends LibraryDirectory {
  counts: Omit<DirectoryCounts, 'directoryId'>;
}

const EMPTY = { tracks: 0, missing: 0, broken: 0, sizeBytes: 0 };

/** Every library folder with its track counts, for the Folders page. */
export function listDirectoryViews(ex: Executor): DirectoryView[] {
  const counts = directoryCounts(ex);
  return listDirectories(ex).map((d) => ({ ...d, counts: counts.get(d.id) ?? EMPTY }));
}

export function getDirectoryView(ex: Executor, id: string): DirectoryView {
  const d = directoryById(ex, id);
  if (!d) throw new NotFoundError('library directory', id);
  return { ...d, counts: directoryCounts(ex).get(id) ?? EMPTY };
}
