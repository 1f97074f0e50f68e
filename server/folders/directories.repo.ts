import { asc, eq, sql } from 'drizzle-orm';
import { libraryDirectories, tracks, type LibraryDirectory } from '@/drizzle/schema';
import type { Executor } from '../db/client';

export function directoryById(ex: Executor, id: string): LibraryDirectory | undefined {
  return ex.select().from(libraryDirectories).where(eq(libraryDirectories.id, id)).get();
}

export function listDirectories(ex: Executor): LibraryDirectory[] {
  return ex.select().from(libraryDirectories).orderBy(asc(libraryDirectories.name)).all();
}

export interface DirectoryCounts {
  directoryId: string;
  tracks: number;
  missing: number;
  broken: number;
  sizeBytes: number;
}

export function directoryCounts(ex: Executor): Map<string, DirectoryCounts> {
  const rows = ex
    .select({
      directoryId: tracks.directoryId,
      tracks: sql<number>`count(*)`,
      missing: sql<number>`sum(${tracks.isMissing})`,
      broken: sql<number>`sum(${tracks.isBroken})`,
      sizeBytes: sql<number>`coalesce(sum(${tracks.sizeBytes}), 0)`,
    })
    .from(tracks)
    .groupBy(tracks.directoryId)
    .all();
  return new Map(rows.filter((r) => r.directoryId).map((r) => [r.directoryId!, { ...r, directoryId: r.directoryId! }]));
}
