import { z } from 'zod';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { InvalidError } from '../errors';
import { playlistEntries } from '../playlists/queries';
import { addTracks, createPlaylist, setEntryOrder } from '../playlists/playlists';
import { crowdOf } from '../sessions/reactions';
import { arrangeSet } from './arrange';
import { markOf } from './pairs';
import { featuresOf, scoreSettings } from './next-up';
import { scorePair, type ScoreOptions } from './score';

export const ArrangeInput = z.object({
  playlistId: z.string().min(1).max(100),
  startEntryId: z.number().int(),
  endEntryId: z.number().int().nullish(),
  shape: z.enum(['none', 'warm-up', 'peak', 'cool-down', 'wave']).default('none'),
  halfDouble: z.boolean().default(true),
  keyLock: z.boolean().default(true),
});
export type ArrangeInput = z.input<typeof ArrangeInput>;

export const ApplyOrderInput = z.object({ playlistId: z.string().min(1).max(100), entryIds: z.array(z.number().int()).min(1).max(20_000) });

/**
 * A playlist arranged as a set, to preview: the new order of its entries, the transition score
 * and reasons of each consecutive pair, and the total cost against nearest neighbour alone and the
 * order it has now. Placeholders (tracks gone from the library) keep their places at the end.
 */
export function previewArrangement(ctx: AppContext, raw: ArrangeInput) {
  const input = ArrangeInput.parse(raw);
  const entries = playlistEntries(ctx.db, input.playlistId);
  const playable = entries.filter((e) => e.track);
  if (playable.length > 1_000) throw new InvalidError(`Arranging takes at most 1,000 tracks; this playlist has ${playable.length.toLocaleString('en-US')}`);
  const byEntry = new Map(playable.map((e) => [String(e.entryId), e]));
  for (const id of [input.startEntryId, input.endEntryId]) if (id != null && !byEntry.has(String(id))) throw new InvalidError(`Entry ${id} is not a track of this playlist`);
  const so: ScoreOptions = { ...scoreSettings(ctx), halfDouble: input.halfDouble, keyLock: input.keyLock, direction: 'any', now: ctx.clock.now() };
  const crowd = crowdOf(ctx.db, [...new Set(playable.map((e) => e.track!.id))]);
  const features = playable.map((e) => ({ ...featuresOf(e.track!), ...crowd.get(e.track!.id), id: String(e.entryId) }));
  const r = arrangeSet(features, { ...so, shape: input.shape, startId: String(input.startEntryId), endId: input.endEntryId != null ? String(input.endEntryId) : null });
  const order = r.order.map((id) => byEntry.get(id)!);
  const pairs = order.slice(1).map((e, i) => {
    const s = scorePair(featuresOf(order[i]!.track!), { ...featuresOf(e.track!), ...crowd.get(e.track!.id) }, so);
    return { fromEntryId: order[i]!.entryId, toEntryId: e.entryId, score: s.total, mark: markOf(s.total), chips: s.chips };
  });
  const placeholders = entries.filter((e) => !e.track).map((e) => e.entryId);
  return { entryIds: [...order.map((e) => e.entryId), ...placeholders], pairs, cost: r.cost, nearestNeighbourCost: r.nearestNeighbourCost, currentCost: r.inputCost };
}

/** Puts the playlist in this order; the answer holds the order before, for Undo. */
export function applyOrder(ctx: AppContext, raw: z.input<typeof ApplyOrderInput>) {
  const input = ApplyOrderInput.parse(raw);
  return writeTx(ctx.db, (tx) => setEntryOrder(tx, input.playlistId, input.entryIds, ctx.clock.now()));
}

export const SaveOrderInput = ApplyOrderInput.extend({ name: z.string().trim().min(1).max(200) });

/**
 * A playlist whose order cannot change (smart, a finished session) arranged into a new static
 * playlist in that order: its tracks, placeholders left out.
 */
export function saveOrderAsPlaylist(ctx: AppContext, raw: z.input<typeof SaveOrderInput>) {
  const input = SaveOrderInput.parse(raw);
  const byEntry = new Map(playlistEntries(ctx.db, input.playlistId).map((e) => [e.entryId, e]));
  const trackIds = input.entryIds.map((id) => byEntry.get(id)?.track?.id).filter((x): x is string => !!x);
  if (!trackIds.length) throw new InvalidError('None of these entries is a track of this playlist');
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const p = createPlaylist(tx, { name: input.name, type: 'static' }, now);
    addTracks(tx, p.id, trackIds, now, { allowDuplicates: true });
    return p;
  });
}
