import type { AnalysisJob } from '@/drizzle/schema';

/**
 * Whoever analyses: an HTTP analysis server, or the built-in analyzer. The dispatcher
 * (`service.ts`) claims the most urgent job for a port with a free slot and submits it; results
 * come back as callback envelopes through `receiveCallback`, whichever port made them.
 */
export interface AnalysisPort {
  /** The `server_url` jobs dispatched here are stamped with ('builtin' for the built-in analyzer). */
  readonly id: string;
  /** Can take work now (a server: healthy; the built-in analyzer: allowed by the setting). */
  readonly available: boolean;
  /** Jobs at once. */
  readonly capacity: number;
  /** Starts one claimed job; resolves once it is handed over (a server) or finished (built in). */
  submit(job: AnalysisJob, filePath: string): Promise<void>;
  /** Stops a job it is working on (best effort). */
  cancel(audioHash: string): Promise<void>;
}
