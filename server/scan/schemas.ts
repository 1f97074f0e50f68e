import { z } from 'zod';
import { DirectoryId } from '../folders/schemas';

export const ScanStrategy = z.enum(['hybrid', 'full', 'fast']);
export type ScanStrategy = z.infer<typeof ScanStrategy>;

export const StartScanInput = z.object({
  directoryId: DirectoryId,
  strategy: ScanStrategy.optional(),
  priority: z.enum(['low', 'normal', 'high']).optional(),
  /** A folder inside the library folder ('' or absent: all of it). */
  relPath: z.string().max(4096).optional(),
});
export type StartScanInput = z.infer<typeof StartScanInput>;

export const ScanIdInput = z.object({ scanId: z.number().int().positive() });
export const ScanHistoryInput = z.object({ directoryId: DirectoryId.optional(), limit: z.number().int().min(1).max(200).default(20) });
export type ScanHistoryInput = z.input<typeof ScanHistoryInput>;
export const ScanStatusInput = z.object({ directoryId: DirectoryId });
