import { UnavailableError } from '@/server/errors';
import { relocateMissing, runCleanup } from '@/server/library/missing';
import { defineJob } from '../queue/define-job';

export const relocateJob = defineJob<'library.relocate'>({
  concurrency: () => 1,
  timeoutMs: 6 * 3_600_000,
  async run({ ctx, payload, signal, progress }) {
    const scanner = ctx.ports.scanner;
    if (!scanner) throw new UnavailableError('this process cannot read files');
    const result = await relocateMissing(ctx, payload, {
      scanner,
      signal,
      onProgress: (done, total) => progress({ done, total, message: `${done.toLocaleString()} of ${total.toLocaleString()} files read` }),
    });
    return { outcome: 'done', result };
  },
});

export const cleanupMissingJob = defineJob<'library.cleanupMissing'>({
  concurrency: () => 1,
  timeoutMs: 600_000,
  run({ ctx, payload, job }) {
    return Promise.resolve({ outcome: 'done', result: runCleanup(ctx, payload, job.id) });
  },
});
