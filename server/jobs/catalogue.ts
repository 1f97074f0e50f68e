import { z } from 'zod';

/**
 * Every job kind and its payload. The worker's handler registry must cover exactly these keys
 * (checked by the type system in worker/jobs/index.ts).
 */
export const JOB_CATALOGUE = {
  'library.checkAvailability': z.object({ directoryId: z.string().uuid().optional() }),
  'library.scan': z.object({ scanId: z.number().int().positive() }),
  'library.relocate': z.object({ trackIds: z.array(z.string().uuid()).optional(), searchPaths: z.array(z.string()).default([]) }),
  'library.cleanupMissing': z.object({
    olderThanDays: z.number().int().min(0).optional(),
    keepPlaylistEntries: z.boolean().default(true),
    exportMetadata: z.boolean().default(true),
  }),
  'files.run': z.object({ batchId: z.string().min(1).max(100) }),
  'files.emptyTrash': z.object({ olderThanDays: z.number().int().min(0).optional(), itemIds: z.array(z.number().int().positive()).max(100_000).optional() }),
  'duplicates.resolveAll': z.object({ fileAction: z.enum(['keep', 'trash', 'delete']), groupIds: z.array(z.number().int().positive()).max(100_000).optional() }),
  'sessions.finalizeIdle': z.object({}),
  'audioEngine.control': z.object({ action: z.enum(['start', 'stop', 'restart', 'reconnect']) }),
  'analysis.control': z.object({
    action: z.enum(['start', 'stop', 'restart', 'cancelRemote', 'wake']),
    remote: z
      .array(z.object({ serverUrl: z.string().url(), audioHash: z.string().regex(/^[0-9a-f]{16}$/) }))
      .max(10_000)
      .default([]),
  }),
  'backup.create': z.object({ reason: z.enum(['scheduled', 'manual']) }),
  'events.prune': z.object({}),
  'jobs.prune': z.object({}),
} as const;

export type JobKind = keyof typeof JOB_CATALOGUE;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_CATALOGUE)[K]>;
export const JOB_KINDS = Object.keys(JOB_CATALOGUE) as JobKind[];
export const isJobKind = (k: string): k is JobKind => Object.hasOwn(JOB_CATALOGUE, k);

/** Priorities: higher runs first. */
export const PRIORITY = { background: -10, low: 0, normal: 10, user: 20, urgent: 30 } as const;

/** Human names for the Activity page. */
export const JOB_LABELS: Record<JobKind, string> = {
  'library.checkAvailability': 'Check folder availability',
  'library.scan': 'Scan folder',
  'library.relocate': 'Find missing tracks',
  'library.cleanupMissing': 'Clean up missing tracks',
  'files.run': 'File operations',
  'files.emptyTrash': 'Empty trash',
  'duplicates.resolveAll': 'Resolve duplicates',
  'analysis.control': 'Analysis server control',
  'audioEngine.control': 'Audio engine control',
  'backup.create': 'Back up the database',
  'events.prune': 'Prune old events',
  'jobs.prune': 'Prune finished jobs',
  'sessions.finalizeIdle': 'End idle DJ sessions',
};
