import type { JobRegistry } from '../queue/define-job';
import { checkAvailabilityJob } from './check-availability';
import { pruneEventsJob, pruneJobsJob } from './housekeeping';
import { cleanupMissingJob, relocateJob } from './missing';
import { scanJob } from './scan';

/** Every job kind's handler. `satisfies` makes a missing or unknown kind a compile error. */
export const jobRegistry = {
  'library.checkAvailability': checkAvailabilityJob,
  'library.scan': scanJob,
  'library.relocate': relocateJob,
  'library.cleanupMissing': cleanupMissingJob,
  'events.prune': pruneEventsJob,
  'jobs.prune': pruneJobsJob,
} satisfies JobRegistry;
