import type { AppContext } from '../context';
import { appendEvent } from '../events/outbox';
import { executeOperation, type ExecuteHooks } from './execute';
import { batchOperations, cancelPending, pendingInBatch } from './journal';

export interface BatchResult {
  batchId: string;
  done: number;
  failed: { operationId: number; path: string; error: string }[];
  cancelled: number;
}

/**
 * Carries out a batch's pending operations one after another (one file at a time), reporting
 * progress. On cancel, what has not started is marked cancelled; the running one finishes.
 */
export async function runBatch(
  ctx: AppContext,
  batchId: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; hooks?: ExecuteHooks } = {},
): Promise<BatchResult> {
  const total = batchOperations(ctx.db, batchId).length;
  let finished = total - pendingInBatch(ctx.db, batchId).length;
  let lastEvent = 0;
  for (const op of pendingInBatch(ctx.db, batchId)) {
    if (opts.signal?.aborted) break;
    await executeOperation(ctx, op.id, { ...opts.hooks, signal: opts.signal });
    finished++;
    opts.onProgress?.(finished, total);
    const now = ctx.clock.now();
    if (total > 1 && (now - lastEvent > 250 || finished === total)) {
      lastEvent = now;
      appendEvent(ctx.db, 'file_operation:progress', { batchId, done: finished, total }, now);
    }
  }
  const cancelled = cancelPending(ctx.db, batchId, ctx.clock.now());
  const all = batchOperations(ctx.db, batchId);
  return {
    batchId,
    done: all.filter((o) => o.status === 'done').length,
    failed: all.filter((o) => o.status === 'failed' || o.status === 'rolled_back').map((o) => ({ operationId: o.id, path: o.srcPath, error: o.error ?? o.status })),
    cancelled,
  };
}
