import { z } from 'zod';

export const JobIdInput = z.object({ id: z.number().int().positive() });
export const ListJobsInput = z.object({
  view: z.enum(['active', 'finished', 'failed', 'all']).default('all'),
  kind: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  /** Keyset cursor: only jobs with a smaller id. */
  beforeId: z.number().int().positive().optional(),
});
export type ListJobsInput = z.input<typeof ListJobsInput>;
