import { and, count, desc, eq, lt, type SQL } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { ListTracksInput } from './schemas';

/** Newest first, keyset-paged by the stable row number. */
export function listTracks(ex: Executor, raw: ListTracksInput = {}) {
  const input = ListTracksInput.parse(raw);
  const where: SQL[] = [];
  if (input.directoryId) where.push(eq(tracks.directoryId, input.directoryId));
  if (input.broken !== undefined) where.push(eq(tracks.isBroken, input.broken));
  if (input.missing !== undefined) where.push(eq(tracks.isMissing, input.missing));
  const filter = where.length ? and(...where) : undefined;
  const rows = ex
    .select()
    .from(tracks)
    .where(input.cursor ? and(filter, lt(tracks.seq, input.cursor)) : filter)
    .orderBy(desc(tracks.seq))
    .limit(input.limit + 1)
    .all();
  const items = rows.slice(0, input.limit);
  const total = ex.select({ n: count() }).from(tracks).where(filter).get()?.n ?? 0;
  return { items, total, nextCursor: rows.length > input.limit ? items.at(-1)!.seq : null };
}

export function trackById(ex: Executor, id: string) {
  const row = ex
    .select({ track: tracks, directoryPath: libraryDirectories.path, directoryName: libraryDirectories.name })
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .where(eq(tracks.id, id))
    .get();
  if (!row) throw new NotFoundError('track', id);
  return { ...row.track, directoryPath: row.directoryPath, directoryName: row.directoryName };
}
