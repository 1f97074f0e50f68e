import crypto from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { playlistTracks, playlists, tracks, type Playlist } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { ConflictError, InvalidError, NotFoundError, PreconditionError } from '../errors';
import { appendEvent } from '../events/outbox';
import { refreshSmartPlaylist } from './smart';

export const THINKING_NAME = 'Thinking';

export function playlistById(ex: Executor, id: string): Playlist {
  const p = ex.select().from(playlists).where(eq(playlists.id, id)).get();
  if (!p) throw new NotFoundError('playlist', id);
  return p;
}

export const existingThinking = (ex: Executor): Playlist | undefined => ex.select().from(playlists).where(eq(playlists.type, 'temp')).get();

/** The one temporary "thinking" playlist (a migration creates it; made again if it is ever gone). */
export function thinkingPlaylist(ex: Executor, now: number): Playlist {
  const have = existingThinking(ex);
  if (have) return have;
  const p = ex.insert(playlists).values({ id: crypto.randomUUID(), name: THINKING_NAME, type: 'temp', sortOrder: -1, createdAt: now, updatedAt: now }).returning().get();
  appendEvent(ex, 'playlist:created', { playlistId: p.id }, now);
  return p;
}

export interface NewPlaylist {
  name: string;
  type: 'static' | 'smart' | 'folder';
  parentId?: string | null;
  color?: string | null;
  icon?: string | null;
  description?: string | null;
  smart?: { rules: unknown; sort: unknown; limit: unknown };
}

function assertParent(ex: Executor, parentId: string | null | undefined, self?: string) {
  if (!parentId) return;
  const parent = playlistById(ex, parentId);
  if (parent.type !== 'folder') throw new InvalidError(`"${parent.name}" is not a folder`);
  // no cycles: walk up from the new parent
  for (let p: Playlist | undefined = parent; p; p = p.parentId ? ex.select().from(playlists).where(eq(playlists.id, p.parentId)).get() : undefined) {
    if (p.id === self) throw new InvalidError('A folder cannot go inside itself');
  }
}

export function createPlaylist(ex: Executor, input: NewPlaylist, now: number): Playlist {
  assertParent(ex, input.parentId);
  const p = ex
    .insert(playlists)
    .values({
      id: crypto.randomUUID(),
      name: input.name,
      type: input.type,
      parentId: input.parentId ?? null,
      color: input.color ?? null,
      icon: input.icon ?? null,
      description: input.description ?? null,
      smartRules: input.smart?.rules,
      smartSort: input.smart?.sort,
      smartLimit: input.smart?.limit,
      sortOrder: ex.get<{ n: number }>(sql`SELECT coalesce(max(sort_order) + 1, 0) AS n FROM playlists`).n,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  appendEvent(ex, 'playlist:created', { playlistId: p.id }, now);
  return p;
}

export interface PlaylistPatch {
  name?: string;
  description?: string | null;
  color?: string | null;
  icon?: string | null;
  isFavorite?: boolean;
  parentId?: string | null;
  sessionVenue?: string | null;
}

export function updatePlaylist(ex: Executor, id: string, patch: PlaylistPatch, now: number): Playlist {
  const p = playlistById(ex, id);
  if (patch.parentId !== undefined) assertParent(ex, patch.parentId, id);
  if (patch.sessionVenue !== undefined && p.type !== 'session') throw new InvalidError('Only a DJ session has a venue');
  const updated = ex
    .update(playlists)
    .set({ ...patch, updatedAt: now })
    .where(eq(playlists.id, id))
    .returning()
    .get();
  appendEvent(ex, 'playlist:updated', { playlistId: id }, now);
  return updated;
}

export function deletePlaylist(ex: Executor, id: string, now: number) {
  const p = playlistById(ex, id);
  if (p.type === 'temp') throw new PreconditionError('The thinking playlist is always there; empty it instead');
  ex.delete(playlists).where(eq(playlists.id, id)).run();
  appendEvent(ex, 'playlist:deleted', { playlistId: id }, now);
}

function assertEditable(p: Playlist) {
  if (p.type === 'folder') throw new InvalidError(`"${p.name}" is a folder, not a playlist`);
  if (p.type === 'smart') throw new PreconditionError(`"${p.name}" is a smart playlist: its rules choose its tracks (convert it to a static playlist to edit it)`);
  if (p.isReadonly) throw new PreconditionError(`"${p.name}" is read-only`);
}

const count = (ex: Executor, playlistId: string) => ex.get<{ n: number }>(sql`SELECT count(*) AS n FROM playlist_tracks WHERE playlist_id = ${playlistId}`).n;

/**
 * Adds tracks at a position (end by default), in the order given. A track already in the playlist
 * is skipped unless duplicates are asked for.
 */
export function addTracks(ex: Executor, playlistId: string, trackIds: string[], now: number, opts: { position?: number; allowDuplicates?: boolean } = {}) {
  const p = playlistById(ex, playlistId);
  assertEditable(p);
  const known = new Set(
    trackIds.length
      ? ex
          .select({ id: tracks.id })
          .from(tracks)
          .where(inArray(tracks.id, [...new Set(trackIds)]))
          .all()
          .map((r) => r.id)
      : [],
  );
  const unknown = trackIds.filter((id) => !known.has(id));
  if (unknown.length) throw new NotFoundError('track', unknown.slice(0, 3).join(', '));
  const present = new Set(
    ex
      .select({ id: playlistTracks.trackId })
      .from(playlistTracks)
      .where(eq(playlistTracks.playlistId, playlistId))
      .all()
      .map((r) => r.id),
  );
  const seen = new Set<string>();
  const toAdd = trackIds.filter((id) => {
    if (!opts.allowDuplicates && (present.has(id) || seen.has(id))) return false;
    seen.add(id);
    return true;
  });
  const n = count(ex, playlistId);
  const at = Math.max(0, Math.min(opts.position ?? n, n));
  if (toAdd.length) {
    ex.run(sql`UPDATE playlist_tracks SET position = position + ${toAdd.length} WHERE playlist_id = ${playlistId} AND position >= ${at}`);
    for (const [i, trackId] of toAdd.entries())
      ex.insert(playlistTracks)
        .values({ playlistId, trackId, position: at + i, addedAt: now })
        .run();
    touch(ex, playlistId, now);
    appendEvent(ex, 'playlist:track:added', { playlistId, count: toAdd.length }, now);
  }
  return { added: toAdd.length, skipped: trackIds.length - toAdd.length };
}

/** Positions 0…n-1 in the current order, rewriting only the rows that moved. */
function renumber(ex: Executor, playlistId: string) {
  ex.run(sql`UPDATE playlist_tracks SET position = r.n - 1
    FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM playlist_tracks WHERE playlist_id = ${playlistId}) AS r
    WHERE playlist_tracks.id = r.id AND playlist_tracks.position <> r.n - 1`);
}

function touch(ex: Executor, playlistId: string, now: number) {
  ex.update(playlists).set({ updatedAt: now }).where(eq(playlists.id, playlistId)).run();
}

export function removeEntries(ex: Executor, playlistId: string, entryIds: number[], now: number) {
  assertEditable(playlistById(ex, playlistId));
  if (!entryIds.length) return { removed: 0 };
  const gone = ex
    .delete(playlistTracks)
    .where(and(eq(playlistTracks.playlistId, playlistId), inArray(playlistTracks.id, entryIds)))
    .returning({ id: playlistTracks.id })
    .all().length;
  if (gone) {
    renumber(ex, playlistId);
    touch(ex, playlistId, now);
    appendEvent(ex, 'playlist:track:removed', { playlistId, count: gone }, now);
  }
  return { removed: gone };
}

/**
 * Moves entries (kept in their relative order) so the first lands at `toIndex` of the list without
 * them. Works on entry ids, so edits from two places never leave gaps or doubles.
 */
export function moveEntries(ex: Executor, playlistId: string, entryIds: number[], toIndex: number, now: number) {
  assertEditable(playlistById(ex, playlistId));
  const order = ex.all<{ id: number; position: number }>(sql`SELECT id, position FROM playlist_tracks WHERE playlist_id = ${playlistId} ORDER BY position, id`);
  const moving = new Set(entryIds);
  const moved = order.filter((e) => moving.has(e.id));
  if (moved.length !== moving.size) throw new ConflictError('Some of these entries are no longer in the playlist; reload it');
  const rest = order.filter((e) => !moving.has(e.id));
  const at = Math.max(0, Math.min(toIndex, rest.length));
  const next = [...rest.slice(0, at), ...moved, ...rest.slice(at)];
  // one statement for the stretch that moved: positions from a JSON list of ids (bound, not spliced)
  let lo = 0;
  while (lo < next.length && next[lo]!.position === lo) lo++;
  let hi = next.length - 1;
  while (hi >= lo && next[hi]!.position === hi) hi--;
  const changed = Math.max(0, hi - lo + 1);
  if (changed) {
    const ids = JSON.stringify(next.slice(lo, hi + 1).map((e) => e.id));
    ex.run(sql`UPDATE playlist_tracks SET position = j.key + ${lo} FROM json_each(${ids}) AS j WHERE playlist_tracks.id = j.value`);
  }
  if (changed) {
    touch(ex, playlistId, now);
    appendEvent(ex, 'playlist:track:reordered', { playlistId }, now);
  }
  return { changed };
}

/**
 * Puts every entry of a playlist in the given order (an arranged set; its undo is the same call
 * with the order before). The list must hold each entry exactly once. Returns the order it replaced.
 */
export function setEntryOrder(ex: Executor, playlistId: string, entryIds: number[], now: number) {
  assertEditable(playlistById(ex, playlistId));
  const before = ex.all<{ id: number }>(sql`SELECT id FROM playlist_tracks WHERE playlist_id = ${playlistId} ORDER BY position, id`).map((e) => e.id);
  const given = new Set(entryIds);
  if (given.size !== entryIds.length || given.size !== before.length || before.some((id) => !given.has(id)))
    throw new ConflictError('The playlist changed since this order was made; arrange it again');
  ex.run(sql`UPDATE playlist_tracks SET position = j.key FROM json_each(${JSON.stringify(entryIds)}) AS j WHERE playlist_tracks.id = j.value`);
  touch(ex, playlistId, now);
  appendEvent(ex, 'playlist:track:reordered', { playlistId }, now);
  return { previous: before };
}

export interface EntryPatch {
  notes?: string | null;
  cueInSec?: number | null;
  cueOutSec?: number | null;
  ratingInContext?: number | null;
}

export function updateEntry(ex: Executor, entryId: number, patch: EntryPatch, now: number) {
  const e = ex.select().from(playlistTracks).where(eq(playlistTracks.id, entryId)).get();
  if (!e) throw new NotFoundError('playlist entry', entryId);
  const p = playlistById(ex, e.playlistId);
  if (p.type === 'smart' || p.type === 'folder') throw new PreconditionError(`"${p.name}" has no entries of its own to annotate`);
  const cueIn = patch.cueInSec !== undefined ? patch.cueInSec : e.cueInSec;
  const cueOut = patch.cueOutSec !== undefined ? patch.cueOutSec : e.cueOutSec;
  if (cueIn !== null && cueOut !== null && cueOut <= cueIn) throw new InvalidError('Cue out must come after cue in');
  const updated = ex.update(playlistTracks).set(patch).where(eq(playlistTracks.id, entryId)).returning().get();
  appendEvent(ex, 'playlist:updated', { playlistId: e.playlistId }, now);
  return updated;
}

/** Points a placeholder (its track was deleted) or any entry at a library track. */
export function relinkEntry(ex: Executor, entryId: number, trackId: string, now: number) {
  const e = ex.select().from(playlistTracks).where(eq(playlistTracks.id, entryId)).get();
  if (!e) throw new NotFoundError('playlist entry', entryId);
  if (!ex.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, trackId)).get()) throw new NotFoundError('track', trackId);
  ex.update(playlistTracks).set({ trackId, placeholder: null }).where(eq(playlistTracks.id, entryId)).run();
  appendEvent(ex, 'playlist:updated', { playlistId: e.playlistId }, now);
}

/** A static copy of any playlist (its current entries, in order, with their notes). */
export function copyAsStatic(ex: Executor, sourceId: string, name: string, now: number): Playlist {
  const src = playlistById(ex, sourceId);
  const copy = createPlaylist(ex, { name, type: 'static', parentId: src.parentId, color: src.color, icon: src.icon }, now);
  ex.run(sql`INSERT INTO playlist_tracks (playlist_id, track_id, position, added_at, played_at, play_duration_ms, notes, cue_in_sec, cue_out_sec, rating_in_context, placeholder)
    SELECT ${copy.id}, track_id, row_number() OVER (ORDER BY position, id) - 1, ${now}, played_at, play_duration_ms, notes, cue_in_sec, cue_out_sec, rating_in_context, placeholder
    FROM playlist_tracks WHERE playlist_id = ${sourceId}`);
  return copy;
}

/** Appends another playlist's tracks (skipping ones already there unless asked), optionally deleting it. */
export function mergePlaylists(ex: Executor, targetId: string, sourceId: string, now: number, opts: { deleteSource?: boolean; allowDuplicates?: boolean } = {}) {
  if (targetId === sourceId) throw new InvalidError('A playlist cannot be merged into itself');
  const ids = ex
    .select({ id: playlistTracks.trackId })
    .from(playlistTracks)
    .where(and(eq(playlistTracks.playlistId, sourceId), sql`${playlistTracks.trackId} IS NOT NULL`))
    .orderBy(asc(playlistTracks.position))
    .all()
    .map((r) => r.id!);
  const r = addTracks(ex, targetId, ids, now, { allowDuplicates: opts.allowDuplicates });
  if (opts.deleteSource) deletePlaylist(ex, sourceId, now);
  return r;
}

/** The thinking playlist becomes a real one; the thinking playlist is emptied for the next idea. */
export function promoteThinking(ex: Executor, name: string, now: number): Playlist {
  const thinking = thinkingPlaylist(ex, now);
  if (count(ex, thinking.id) === 0) throw new PreconditionError('The thinking playlist is empty');
  const p = copyAsStatic(ex, thinking.id, name, now);
  ex.delete(playlistTracks).where(eq(playlistTracks.playlistId, thinking.id)).run();
  appendEvent(ex, 'playlist:track:removed', { playlistId: thinking.id, count: 0 }, now);
  return p;
}

/** Count, total duration, BPM range and how many tracks are in each key. */
export function playlistStats(ex: Executor, playlistId: string) {
  playlistById(ex, playlistId);
  const s = ex.get<{ n: number; duration: number; bpmMin: number | null; bpmMax: number | null; withBpm: number; placeholders: number }>(sql`
    SELECT count(*) AS n, coalesce(sum(t.duration_ms), 0) AS duration, min(t.bpm) AS bpmMin, max(t.bpm) AS bpmMax, count(t.bpm) AS withBpm,
           sum(CASE WHEN pt.track_id IS NULL THEN 1 ELSE 0 END) AS placeholders
    FROM playlist_tracks pt LEFT JOIN tracks t ON t.id = pt.track_id WHERE pt.playlist_id = ${playlistId}`);
  // one key_sort is one key: any row of the group names it
  const keys = ex.all<{ keySort: number; pitch: number; mode: 0 | 1; n: number }>(sql`
    SELECT t.key_sort AS keySort, min(coalesce(t.key_pitch_override, t.key_pitch)) AS pitch, min(coalesce(t.key_mode_override, t.key_mode)) AS mode, count(*) AS n
    FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id
    WHERE pt.playlist_id = ${playlistId} AND t.key_sort IS NOT NULL GROUP BY t.key_sort ORDER BY n DESC, keySort`);
  return { count: s.n, totalDurationMs: s.duration, bpmMin: s.bpmMin, bpmMax: s.bpmMax, withBpm: s.withBpm, placeholders: s.placeholders ?? 0, keys };
}

/**
 * Turns a smart playlist (with what its rules choose now) or a DJ session into an ordinary static
 * playlist, in place: same id, same entries, now editable.
 */
export function convertToStatic(ex: Executor, id: string, now: number): Playlist {
  const p = playlistById(ex, id);
  if (p.type !== 'smart' && p.type !== 'session') throw new InvalidError(`"${p.name}" is already a ${p.type === 'folder' ? 'folder' : 'plain playlist'}`);
  if (p.type === 'smart') refreshSmartPlaylist(ex, p, now);
  const updated = ex
    .update(playlists)
    .set({ type: 'static', isReadonly: false, smartRules: null, smartSort: null, smartLimit: null, smartRefreshedAt: null, updatedAt: now })
    .where(eq(playlists.id, id))
    .returning()
    .get();
  appendEvent(ex, 'playlist:updated', { playlistId: id }, now);
  return updated;
}

/** What an entry carries besides its track: notes, cue in/out, a rating here, when it was played and for how long. */
export interface EntryDetails {
  notes: string | null;
  cueInSec: number | null;
  cueOutSec: number | null;
  ratingInContext: number | null;
  playedAt: number | null;
  playDurationMs: number | null;
}

export const entryDetails = (r: EntryDetails): EntryDetails => ({
  notes: r.notes,
  cueInSec: r.cueInSec,
  cueOutSec: r.cueOutSec,
  ratingInContext: r.ratingInContext,
  playedAt: r.playedAt,
  playDurationMs: r.playDurationMs,
});
