import { z } from 'zod';
import { writeTx } from '../../db/tx';
import { CueEdit, CueIndex, effectiveCues, listCues, removeUserCue, setUserCue } from '../../hotcues/hot-cues';
import { procedure, router } from '../init';

export const hotCuesRouter = router({
  /** Every cue of a track (all sources), and the one that counts at each index (what the engine gets). */
  list: procedure.input(z.object({ trackId: z.string().uuid() })).query(({ ctx, input }) => ({
    cues: listCues(ctx.app.db, input.trackId),
    effective: effectiveCues(ctx.app.db, input.trackId),
  })),
  /** Set, move, rename, recolour or loop the DJ's cue at an index; a loaded deck gets it at once. */
  set: procedure.input(CueEdit).mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => setUserCue(tx, input, ctx.app.clock.now()))),
  remove: procedure
    .input(z.object({ trackId: z.string().uuid(), index: CueIndex }))
    .mutation(({ ctx, input }) => ({ removed: writeTx(ctx.app.db, (tx) => removeUserCue(tx, input.trackId, input.index, ctx.app.clock.now())) })),
});
