import { listTracks, trackById } from '../../tracks/queries';
import { ListTracksInput, TrackIdInput } from '../../tracks/schemas';
import { procedure, router } from '../init';

export const tracksRouter = router({
  list: procedure.input(ListTracksInput).query(({ ctx, input }) => listTracks(ctx.app.db, input)),
  byId: procedure.input(TrackIdInput).query(({ ctx, input }) => trackById(ctx.app.db, input.id)),
});
