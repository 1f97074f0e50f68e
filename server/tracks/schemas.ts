import { z } from 'zod';
import { DirectoryId } from '../library/schemas';

export const TrackId = z.string().uuid({ message: 'must be a track id (UUID)' });
export const TrackIdInput = z.object({ id: TrackId });

export const ListTracksInput = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  /** Keyset cursor from the previous page. */
  cursor: z.number().int().positive().nullish(),
  directoryId: DirectoryId.optional(),
  broken: z.boolean().optional(),
  missing: z.boolean().optional(),
});
export type ListTracksInput = z.input<typeof ListTracksInput>;
