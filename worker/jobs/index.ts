import type { JobRegistry } from '../queue/define-job';
import { checkAvailabilityJob } from './check-availability';
import { pruneEventsJob, pruneJobsJob } from './housekeeping';

/** Every job kind's handler. `satisfies` makes a missing or unknown kind a compile error. */
export const jobRegistry = {
  'library.checkAvailability': checkAvailabilityJob,
  'events.prune': pruneEventsJob,
  'jobs.prune': pruneJobsJob,
} satisfies JobRegistry;
