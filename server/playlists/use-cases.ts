import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { playlists } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Tx } from '../db/client';
import { writeTx } from '../db/tx';
import { InvalidError } from '../errors';
import { finalizeSession, recordPlay, splitSession } from '../sessions/plays';
import {
  addTracks,
  convertToStatic,
  copyAsStatic,
  createPlaylist,
  deletePlaylist,
  existingThinking,
  mergePlaylists,
  moveEntries,
  playlistById,
  promoteThinking,
  relinkEntry,
  removeEntries,
  thinkingPlaylist,
  updateEntry,
  updatePlaylist,
} from './playlists';
import type {
  AddTracksInput,
  CopyInput,
  CreatePlaylistInput,
  LogPlayInput,
  MergeInput,
  MoveEntriesInput,
  RemoveEntriesInput,
  SplitSessionInput,
  ThinkInput,
  UpdateEntryInput,
  UpdatePlaylistInput,
} from './schemas';
import { refreshSmartPlaylist } from './smart';

/**
 * What people do with playlists, one transaction each: context-taking use cases over the
 * transaction helpers of `playlists.ts` (the calling convention of every feature: README, How to
 * add a feature). The router only names them.
 */

const inTx = <T>(ctx: AppContext, f: (tx: Tx, now: number) => T): T => {
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => f(tx, now));
};

/** A new playlist or folder; a smart one is filled at once. */
export function create(ctx: AppContext, input: CreatePlaylistInput) {
  if (input.type === 'smart' && !input.smart) throw new InvalidError('A smart playlist needs rules');
  return inTx(ctx, (tx, now) => {
    const p = createPlaylist(tx, { ...input, smart: input.type === 'smart' ? input.smart : undefined }, now);
    if (p.type === 'smart') refreshSmartPlaylist(tx, p, now);
    return p;
  });
}

/** Renames, recolours, files or re-rules a playlist; new rules refill it at once. */
export function update(ctx: AppContext, input: UpdatePlaylistInput) {
  const { id, smart, ...patch } = input;
  return inTx(ctx, (tx, now) => {
    if (smart && playlistById(tx, id).type !== 'smart') throw new InvalidError('Only a smart playlist has rules');
    if (smart) tx.update(playlists).set({ smartRules: smart.rules, smartSort: smart.sort, smartLimit: smart.limit }).where(eq(playlists.id, id)).run();
    const p = updatePlaylist(tx, id, patch, now);
    if (smart) refreshSmartPlaylist(tx, p, now);
    return p;
  });
}

export const remove = (ctx: AppContext, id: string) => (inTx(ctx, (tx, now) => deletePlaylist(tx, id, now)), { removed: true });
export const addTo = (ctx: AppContext, input: z.infer<typeof AddTracksInput>) => inTx(ctx, (tx, now) => addTracks(tx, input.id, input.trackIds, now, input));
export const removeFrom = (ctx: AppContext, input: z.infer<typeof RemoveEntriesInput>) => inTx(ctx, (tx, now) => removeEntries(tx, input.id, input.entryIds, now));
/** Moves entries so the first lands at `toIndex` of the list without them (drag and drop). */
export const move = (ctx: AppContext, input: z.infer<typeof MoveEntriesInput>) => inTx(ctx, (tx, now) => moveEntries(tx, input.id, input.entryIds, input.toIndex, now));
export const editEntry = (ctx: AppContext, { entryId, ...patch }: z.infer<typeof UpdateEntryInput>) => inTx(ctx, (tx, now) => updateEntry(tx, entryId, patch, now));
export const relink = (ctx: AppContext, entryId: number, trackId: string) => (inTx(ctx, (tx, now) => relinkEntry(tx, entryId, trackId, now)), { relinked: true });

/** A static copy: of any playlist, or of what a smart playlist holds now. */
export function copy(ctx: AppContext, input: z.infer<typeof CopyInput>) {
  return inTx(ctx, (tx, now) => {
    const p = playlistById(tx, input.id);
    if (p.type === 'folder') throw new InvalidError(`"${p.name}" is a folder`);
    if (p.type === 'smart') refreshSmartPlaylist(tx, p, now);
    return copyAsStatic(tx, p.id, input.name, now);
  });
}

/** A smart playlist (frozen as it stands) or a DJ session becomes an editable static playlist, in place. */
export const makeStatic = (ctx: AppContext, id: string) => inTx(ctx, (tx, now) => convertToStatic(tx, id, now));
export const merge = (ctx: AppContext, input: z.infer<typeof MergeInput>) => inTx(ctx, (tx, now) => mergePlaylists(tx, input.targetId, input.sourceId, now, input));

/** The thinking playlist: made by a migration, so a read never writes (unless it is somehow gone). */
export const thinking = (ctx: AppContext) => existingThinking(ctx.db) ?? inTx(ctx, (tx, now) => thinkingPlaylist(tx, now));

/** Adds or takes out tracks of the thinking playlist (the library's quick key). */
export function think(ctx: AppContext, input: z.infer<typeof ThinkInput>) {
  return inTx(ctx, (tx, now) => {
    const p = thinkingPlaylist(tx, now);
    if (input.add) return { ...addTracks(tx, p.id, input.trackIds, now), playlistId: p.id };
    const ids = tx.all<{ id: number }>(
      sql`SELECT id FROM playlist_tracks WHERE playlist_id = ${p.id} AND track_id IN (SELECT value FROM json_each(${JSON.stringify(input.trackIds)}))`,
    );
    const entryIds = ids.map((r) => r.id);
    return { ...removeEntries(tx, p.id, entryIds, now), playlistId: p.id };
  });
}

export const promote = (ctx: AppContext, name: string) => inTx(ctx, (tx, now) => promoteThinking(tx, name, now));

/** Logs a play from another tool (the audio engine's loads are logged by the worker). */
export function logPlay(ctx: AppContext, input: z.infer<typeof LogPlayInput>) {
  const hours = ctx.settings.get('sessions.inactivityHours');
  const r = inTx(ctx, (tx, now) => recordPlay(tx, input.trackId, now, { inactivityHours: hours, durationMs: input.durationMs }));
  if (!r) throw new InvalidError(`No track ${input.trackId}`);
  return r;
}

export const finalize = (ctx: AppContext, id: string) => ({ finalized: inTx(ctx, (tx, now) => finalizeSession(tx, id, now)) });
/** Splits a DJ session before an entry into two sessions. */
export const split = (ctx: AppContext, input: z.infer<typeof SplitSessionInput>) => inTx(ctx, (tx, now) => splitSession(tx, input.id, input.entryId, now));
