import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { duplicateGroups, libraryDirectories, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { z } from 'zod';

export const ListDuplicatesInput = z.object({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: z.number().int().min(1).max(200).default(50),
  beforeId: z.number().int().positive().optional(),
});
export type ListDuplicatesInput = z.input<typeof ListDuplicatesInput>;
export const DuplicateGroupIdInput = z.object({ id: z.number().int().positive() });

const memberColumns = {
  id: tracks.id,
  groupId: tracks.duplicateGroupId,
  directoryId: tracks.directoryId,
  directoryName: libraryDirectories.name,
  directoryPath: libraryDirectories.path,
  directoryPriority: libraryDirectories.priority,
  relPath: tracks.relPath,
  title: tracks.title,
  artist: tracks.artist,
  album: tracks.album,
  format: tracks.format,
  codec: tracks.codec,
  isLossless: tracks.isLossless,
  bitrate: tracks.bitrate,
  sampleRate: tracks.sampleRate,
  bitDepth: tracks.bitDepth,
  channels: tracks.channels,
  durationMs: tracks.durationMs,
  sizeBytes: tracks.sizeBytes,
  playCount: tracks.playCount,
  rating: tracks.rating,
  dateAdded: tracks.dateAdded,
  artworkId: tracks.artworkId,
  isMissing: tracks.isMissing,
};

export type DuplicateMember = Awaited<ReturnType<typeof membersOf>>[number];

function membersOf(ex: Executor, groupIds: number[]) {
  if (groupIds.length === 0) return [];
  return ex
    .select(memberColumns)
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .where(inArray(tracks.duplicateGroupId, groupIds))
    .orderBy(desc(tracks.isLossless), desc(tracks.bitrate), asc(tracks.dateAdded))
    .all();
}

/** Duplicate groups with every copy's quality facts, newest first. */
export function listDuplicateGroups(ex: Executor, raw: ListDuplicatesInput = {}) {
  const input = ListDuplicatesInput.parse(raw);
  const where = [input.status === 'all' ? undefined : eq(duplicateGroups.status, input.status), input.beforeId ? lt(duplicateGroups.id, input.beforeId) : undefined].filter(
    Boolean,
  );
  const groups = ex
    .select()
    .from(duplicateGroups)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(duplicateGroups.id))
    .limit(input.limit + 1)
    .all();
  const page = groups.slice(0, input.limit);
  const members = membersOf(
    ex,
    page.map((g) => g.id),
  );
  return {
    items: page.map((g) => ({ ...g, members: members.filter((m) => m.groupId === g.id) })),
    nextCursor: groups.length > input.limit ? page.at(-1)!.id : null,
  };
}

export function getDuplicateGroup(ex: Executor, id: number) {
  const g = ex.select().from(duplicateGroups).where(eq(duplicateGroups.id, id)).get();
  if (!g) throw new NotFoundError('duplicate group', id);
  return { ...g, members: membersOf(ex, [id]) };
}
