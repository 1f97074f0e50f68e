import type { JobRegistry } from '../queue/define-job';
import { analysisControlJob, audioEngineControlJob } from './analysis';
import { backupJob } from './backup';
import { checkAvailabilityJob } from './check-availability';
import { finalizeSessionsJob, pruneEventsJob, pruneJobsJob } from './housekeeping';
import { cleanupMissingJob, relocateJob } from './missing';
import { scanJob } from './scan';
import { emptyTrashJob, filesRunJob, resolveAllJob } from './files';

/** Every job kind's handler. `satisfies` makes a missing or unknown kind a compile error. */
export const jobRegistry = {
  'library.checkAvailability': checkAvailabilityJob,
  'library.scan': scanJob,
  'library.relocate': relocateJob,
  'library.cleanupMissing': cleanupMissingJob,
  'files.run': filesRunJob,
  'files.emptyTrash': emptyTrashJob,
  'duplicates.resolveAll': resolveAllJob,
  'analysis.control': analysisControlJob,
  'audioEngine.control': audioEngineControlJob,
  'backup.create': backupJob,
  'events.prune': pruneEventsJob,
  'jobs.prune': pruneJobsJob,
  'sessions.finalizeIdle': finalizeSessionsJob,
} satisfies JobRegistry;
