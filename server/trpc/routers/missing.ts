import { z } from 'zod';
import { enqueueForUser } from '../../jobs/queue';
import { checkSearchPaths, CleanupInput, ConfirmRelocateInput, confirmRelocate, listCleanups, previewCleanup, RelocateInput, undoCleanup } from '../../library/missing';
import { procedure, router } from '../init';

/** Tracks whose files are gone: find them again, or clean them up (with an export and an undo). */
export const missingRouter = router({
  /** A worker job; its result lists what was re-attached and what needs confirming. */
  relocate: procedure.input(RelocateInput).mutation(async ({ ctx, input }) => {
    const searchPaths = await checkSearchPaths(ctx.app, input.searchPaths);
    return { jobId: enqueueForUser(ctx.app, 'library.relocate', { trackIds: input.trackIds, searchPaths }, { dedupeKey: 'library.relocate' }).jobId };
  }),
  confirmRelocate: procedure.input(ConfirmRelocateInput).mutation(({ ctx, input }) => confirmRelocate(ctx.app, input)),
  /** The dry run: what a cleanup with these options would remove. */
  cleanupPreview: procedure.input(CleanupInput).query(({ ctx, input }) => previewCleanup(ctx.app, input)),
  cleanup: procedure.input(CleanupInput).mutation(({ ctx, input }) => {
    return { jobId: enqueueForUser(ctx.app, 'library.cleanupMissing', CleanupInput.parse(input), { dedupeKey: 'library.cleanupMissing' }).jobId };
  }),
  undoCleanup: procedure.input(z.object({ id: z.number().int().positive() })).mutation(({ ctx, input }) => undoCleanup(ctx.app, input.id)),
  cleanups: procedure.input(z.object({}).optional()).query(({ ctx }) => listCleanups(ctx.app)),
});
