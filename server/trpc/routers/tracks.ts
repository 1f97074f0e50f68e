import { TrackDetailSchema, TrackPageSchema } from '../../tracks/output';
import { createTrack } from '../../library/create-track';
import { listTracks } from '../../tracks/list';
import { trackById, trackFacets } from '../../tracks/queries';
import { removeTracks } from '../../tracks/remove-tracks';
import { CreateTrackInput, FacetsInput, ListTracksInput, RemoveTracksInput, SearchTracksInput, TrackIdInput, UpdateTrackInput } from '../../tracks/schemas';
import { updateTrack } from '../../tracks/update-track';
import { procedure, router } from '../init';

export const tracksRouter = router({
  /** Any filter, any sort, keyset (cursor) or window (offset) paging, total count, did-you-mean. */
  list: procedure
    .input(ListTracksInput)
    .output(TrackPageSchema)
    .query(({ ctx, input }) => listTracks(ctx.app.db, input, ctx.vocabulary)),
  byId: procedure
    .input(TrackIdInput)
    .output(TrackDetailSchema)
    .query(({ ctx, input }) => trackById(ctx.app.db, input.id)),
  /** Quick results for a search box (best matches first). */
  search: procedure
    .input(SearchTracksInput)
    .output(TrackPageSchema)
    .query(({ ctx, input }) => listTracks(ctx.app.db, { filters: { q: input.q }, limit: input.limit }, ctx.vocabulary)),
  facets: procedure.input(FacetsInput).query(({ ctx, input }) => trackFacets(ctx.app.db, input, ctx.facetIndex)),
  update: procedure.input(UpdateTrackInput).mutation(({ ctx, input }) => updateTrack(ctx.app, input)),
  create: procedure.input(CreateTrackInput).mutation(({ ctx, input }) => createTrack(ctx.app, input)),
  remove: procedure.input(RemoveTracksInput).mutation(({ ctx, input }) => removeTracks(ctx.app, input)),
});
