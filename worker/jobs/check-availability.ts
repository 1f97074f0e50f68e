import { checkAvailability } from '@/server/scan/availability';
import { defineJob } from '../queue/define-job';

export const checkAvailabilityJob = defineJob<'library.checkAvailability'>({
  concurrency: () => 2,
  timeoutMs: 60_000,
  async run({ ctx, payload }) {
    const results = await checkAvailability(ctx, payload.directoryId);
    return { outcome: 'done', result: { checked: results.length, unavailable: results.filter((r) => !r.available).map((r) => r.directoryId) } };
  },
});
