import { z } from 'zod';
import { DuplicateGroupIdInput, ListDuplicatesInput, getDuplicateGroup, listDuplicateGroups } from '../../duplicates/queries';
import { applyResolution, listResolutions, previewResolution, previewResolveAll, ResolveAllInput, ResolveInput, undoResolution } from '../../duplicates/resolve';
import { enqueueForUser } from '../../jobs/queue';
import { procedure, router } from '../init';

export const duplicatesRouter = router({
  list: procedure.input(ListDuplicatesInput).query(({ ctx, input }) => listDuplicateGroups(ctx.app.db, input, ctx.app.settings.get('duplicates.canonicalRule'))),
  byId: procedure.input(DuplicateGroupIdInput).query(({ ctx, input }) => getDuplicateGroup(ctx.app.db, input.id, ctx.app.settings.get('duplicates.canonicalRule'))),
  /** The dry run: every change resolving this group would make. */
  preview: procedure.input(ResolveInput).query(({ ctx, input }) => previewResolution(ctx.app, input)),
  resolve: procedure.input(ResolveInput).mutation(({ ctx, input }) => {
    const { resolutionId, batchId } = applyResolution(ctx.app, input);
    return { resolutionId, batchId };
  }),
  undo: procedure.input(z.object({ resolutionId: z.number().int().positive() })).mutation(({ ctx, input }) => undoResolution(ctx.app, input.resolutionId)),
  resolutions: procedure.input(z.object({ limit: z.number().int().min(1).max(500).default(50) }).optional()).query(({ ctx, input }) => listResolutions(ctx.app, input?.limit)),
  previewAll: procedure.input(ResolveAllInput).query(({ ctx, input }) => previewResolveAll(ctx.app, input)),
  /** Resolves every open group by the rule, as a job. */
  resolveAll: procedure.input(ResolveAllInput).mutation(({ ctx, input }) => {
    return { jobId: enqueueForUser(ctx.app, 'duplicates.resolveAll', ResolveAllInput.parse(input), { dedupeKey: 'duplicates.resolveAll' }).jobId };
  }),
});
