import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { enqueueForUser } from '../../jobs/queue';
import {
  commitPlan,
  DeleteInput,
  EmptyTrashInput,
  listOperations,
  listTrash,
  MoveInput,
  OperationsInput,
  OrganiseInput,
  planDelete,
  planEmptyTrash,
  planMove,
  planOrganise,
  planRename,
  planRestore,
  RenameInput,
  TrashIdsInput,
} from '../../files/plan';
import { TEMPLATE_FIELDS } from '../../files/template';
import { procedure, router } from '../init';

/** Hides the journal entries from previews: the UI shows items and the summary. */
const shown = <P extends { ops: unknown[] }>({ ops: _ops, ...rest }: P) => rest;

/**
 * Moving, renaming, organising and deleting files. Each verb has a `preview…` (a dry run: what
 * would happen to each file) and a mutation that journals the operations and queues the worker
 * job that carries them out (progress in Activity, `file_operation:*` events).
 */
export const filesRouter = router({
  previewMove: procedure.input(MoveInput).query(async ({ ctx, input }) => shown(await planMove(ctx.app, input))),
  move: procedure.input(MoveInput).mutation(async ({ ctx, input }) => commitPlan(ctx.app, await planMove(ctx.app, input))),
  previewRename: procedure.input(RenameInput).query(async ({ ctx, input }) => shown(await planRename(ctx.app, input))),
  rename: procedure.input(RenameInput).mutation(async ({ ctx, input }) => commitPlan(ctx.app, await planRename(ctx.app, input))),
  previewOrganise: procedure.input(OrganiseInput).query(async ({ ctx, input }) => ({ ...shown(await planOrganise(ctx.app, input)), fields: TEMPLATE_FIELDS })),
  organise: procedure.input(OrganiseInput).mutation(async ({ ctx, input }) => commitPlan(ctx.app, await planOrganise(ctx.app, input))),
  previewDelete: procedure.input(DeleteInput).query(async ({ ctx, input }) => shown(await planDelete(ctx.app, input, 'preview'))),
  delete: procedure.input(DeleteInput).mutation(async ({ ctx, input }) => {
    const batchId = randomUUID();
    return commitPlan(ctx.app, await planDelete(ctx.app, input, batchId), batchId);
  }),
  operations: procedure.input(OperationsInput.optional()).query(({ ctx, input }) => listOperations(ctx.app, input)),
  trash: router({
    list: procedure.input(z.object({}).optional()).query(({ ctx }) => listTrash(ctx.app)),
    previewRestore: procedure.input(TrashIdsInput).query(({ ctx, input }) => shown(planRestore(ctx.app, input))),
    restore: procedure.input(TrashIdsInput).mutation(({ ctx, input }) => commitPlan(ctx.app, planRestore(ctx.app, input))),
    previewEmpty: procedure.input(EmptyTrashInput).query(({ ctx, input }) => shown(planEmptyTrash(ctx.app, input))),
    /** Deletes for good (a job): the given items, or everything in the trash. */
    empty: procedure.input(EmptyTrashInput.extend({ confirm: z.literal(true) })).mutation(({ ctx, input }) => {
      return { jobId: enqueueForUser(ctx.app, 'files.emptyTrash', { itemIds: input.itemIds, olderThanDays: input.olderThanDays ?? 0 }).jobId };
    }),
  }),
});
