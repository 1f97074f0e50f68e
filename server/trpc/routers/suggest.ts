import { applyOrder, ApplyOrderInput, ArrangeInput, previewArrangement, SaveOrderInput, saveOrderAsPlaylist } from '../../suggest/arrange-playlist';
import { suggestNext, SuggestNextInput } from '../../suggest/next-up';
import { TransitionInput, transitionHint } from '../../suggest/transition';
import { PairsInput, playlistPairs } from '../../suggest/pairs';
import { procedure, router } from '../init';

export const suggestRouter = router({
  /** What fits after a track, best first, each with its score, parts and reasons. */
  next: procedure.input(SuggestNextInput).query(({ ctx, input }) => suggestNext(ctx.app, input)),
  /** A playlist ordered as a set from a first (and last) track along an energy shape: a preview. */
  arrange: procedure.input(ArrangeInput).query(({ ctx, input }) => previewArrangement(ctx.app, input)),
  /** Puts a playlist's entries in an order (an arrangement, or the order before it: Undo). */
  applyOrder: procedure.input(ApplyOrderInput).mutation(({ ctx, input }) => applyOrder(ctx.app, input)),
  /** An arrangement of a playlist that cannot be reordered (smart, a finished session) as a new static playlist. */
  saveOrderAs: procedure.input(SaveOrderInput).mutation(({ ctx, input }) => saveOrderAsPlaylist(ctx.app, input)),
  /** How to mix from one track into the next: phrase-aligned start points, tempo change, key relation. */
  transition: procedure.input(TransitionInput).query(({ ctx, input }) => transitionHint(ctx.app, input)),
  /** The transition score and reasons of each pair of consecutive entries of a playlist (the markers between rows). */
  pairs: procedure.input(PairsInput).query(({ ctx, input }) => playlistPairs(ctx.app, input)),
});
