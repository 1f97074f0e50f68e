import type { Job, JobProgress } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import type { JobKind, JobPayload } from '@/server/jobs/catalogue';

export type JobOutcome = 'done' | 'skipped' | { outcome: 'done' | 'skipped'; result: unknown };

export interface JobRunArgs<K extends JobKind> {
  ctx: AppContext;
  payload: JobPayload<K>;
  job: Job;
  /** Aborted on cancel, timeout, lost lease or shutdown; handlers must stop promptly. */
  signal: AbortSignal;
  /** Throttled: cheap to call often. */
  progress: (p: JobProgress) => void;
}

export interface JobDefinition<K extends JobKind> {
  /** How many jobs of this kind may run at once across all workers. */
  concurrency: (ctx: AppContext) => number;
  leaseMs?: number;
  timeoutMs?: number;
  /** Base delay of the exponential retry backoff. */
  retryBaseMs?: number;
  run(args: JobRunArgs<K>): Promise<JobOutcome>;
}

export function defineJob<K extends JobKind>(def: JobDefinition<K>): JobDefinition<K> {
  return def;
}

/** One handler per job kind: a missing or extra key is a compile error. */
export type JobRegistry = { [K in JobKind]: JobDefinition<K> };
