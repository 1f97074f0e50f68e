import { resolveAll } from '@/server/duplicates/resolve';
import { commitPlan, planEmptyTrash } from '@/server/files/plan';
import { runBatch } from '@/server/files/run-batch';
import { defineJob } from '../queue/define-job';

/** One batch of journaled file operations; one file at a time across the whole worker. */
export const filesRunJob = defineJob<'files.run'>({
  concurrency: () => 1,
  timeoutMs: 12 * 3_600_000,
  async run({ ctx, payload, signal, progress }) {
    const result = await runBatch(ctx, payload.batchId, {
      signal,
      onProgress: (done, total) => progress({ done, total, message: `${done.toLocaleString()} of ${total.toLocaleString()} files` }),
    });
    return { outcome: 'done', result };
  },
});

/** Deletes trash items for good: the ones asked for, or those older than the setting. */
export const emptyTrashJob = defineJob<'files.emptyTrash'>({
  concurrency: () => 1,
  timeoutMs: 3_600_000,
  async run({ ctx, payload, signal, progress }) {
    const days = payload.olderThanDays ?? (payload.itemIds ? undefined : ctx.settings.get('trash.autoEmptyDays'));
    if (days === 0 && !payload.itemIds) return 'skipped'; // 0 = never empty on its own
    const plan = planEmptyTrash(ctx, { itemIds: payload.itemIds, olderThanDays: days });
    if (!plan.ops.length) return 'skipped';
    const { batchId } = commitPlan(ctx, plan);
    // run here rather than waiting for the batch's own job, which then finds nothing pending
    const result = await runBatch(ctx, batchId, { signal, onProgress: (done, total) => progress({ done, total }) });
    return { outcome: 'done', result };
  },
});

export const resolveAllJob = defineJob<'duplicates.resolveAll'>({
  concurrency: () => 1,
  timeoutMs: 6 * 3_600_000,
  async run({ ctx, payload, signal, progress }) {
    const result = await resolveAll(ctx, payload, { signal, onProgress: (done, total) => progress({ done, total, message: `${done} of ${total} groups` }) });
    return { outcome: 'done', result };
  },
});
