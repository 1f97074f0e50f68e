import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { duplicateGroups, libraryDirectories, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { z } from 'zod';
import { rankMembers } from './resolve';
import { DEFAULT_RULE, type CanonicalCriterion } from '../settings/canonical-rule';

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
  genre: tracks.genre,
  year: tracks.year,
  label: tracks.label,
  tagBpm: tracks.tagBpm,
  tagKey: tracks.tagKey,
  fileName: tracks.fileName,
  fileWarning: tracks.fileWarning,
  cueCount: sql<number>`(SELECT count(*) FROM hot_cues c WHERE c.track_id = ${tracks.id})`,
  playlistNames: sql<string | null>`(SELECT group_concat(DISTINCT p.name) FROM playlist_tracks e JOIN playlists p ON p.id = e.playlist_id WHERE e.track_id = ${tracks.id})`,
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

/** The copy the rule would keep, for each group (the page pre-selects it). */
function withSuggestion<G extends { members: DuplicateMember[] }>(g: G, rule: readonly CanonicalCriterion[]) {
  const ranked = rankMembers(
    g.members.map((m) => ({ ...m, directoryPriority: m.directoryPriority ?? 0 })),
    rule,
  );
  return { ...g, suggestedCanonicalId: ranked[0]?.id ?? null };
}

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
export function listDuplicateGroups(ex: Executor, raw: ListDuplicatesInput = {}, rule: readonly CanonicalCriterion[] = DEFAULT_RULE) {
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
    items: page.map((g) => withSuggestion({ ...g, members: members.filter((m) => m.groupId === g.id) }, rule)),
    openCount: ex
      .select({ n: sql<number>`count(*)` })
      .from(duplicateGroups)
      .where(eq(duplicateGroups.status, 'open'))
      .get()!.n,
    nextCursor: groups.length > input.limit ? page.at(-1)!.id : null,
  };
}

export function getDuplicateGroup(ex: Executor, id: number, rule: readonly CanonicalCriterion[] = DEFAULT_RULE) {
  const g = ex.select().from(duplicateGroups).where(eq(duplicateGroups.id, id)).get();
  if (!g) throw new NotFoundError('duplicate group', id);
  return withSuggestion({ ...g, members: membersOf(ex, [id]) }, rule);
}
