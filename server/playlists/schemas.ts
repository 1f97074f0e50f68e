import { z } from 'zod';
import { SmartDefinition } from './rules';

/** What the playlists API accepts: one place for its shapes (the router only names them). */
export const PlaylistId = z.string().uuid();
export const PlaylistName = z.string().trim().min(1).max(200);
const Colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .nullable();
const Icon = z.string().max(40).nullable();
const TrackIds = z.array(z.string().uuid()).min(1).max(100_000);
const EntryIds = z.array(z.number().int().positive()).min(1).max(100_000);
export const EntryId = z.number().int().positive();

export const IdInput = z.object({ id: PlaylistId });
export const ListInput = z.object({ q: z.string().max(200).optional() }).optional();
export const NoInput = z.object({}).optional();

export const CreatePlaylistInput = z.object({
  name: PlaylistName,
  type: z.enum(['static', 'smart', 'folder']),
  parentId: PlaylistId.nullable().optional(),
  color: Colour.optional(),
  icon: Icon.optional(),
  smart: SmartDefinition.optional(),
});
export type CreatePlaylistInput = z.infer<typeof CreatePlaylistInput>;

export const UpdatePlaylistInput = z.object({
  id: PlaylistId,
  name: PlaylistName.optional(),
  description: z.string().max(2000).nullable().optional(),
  color: Colour.optional(),
  icon: Icon.optional(),
  isFavorite: z.boolean().optional(),
  parentId: PlaylistId.nullable().optional(),
  sessionVenue: z.string().max(200).nullable().optional(),
  smart: SmartDefinition.optional(),
});
export type UpdatePlaylistInput = z.infer<typeof UpdatePlaylistInput>;

export const AddTracksInput = z.object({ id: PlaylistId, trackIds: TrackIds, position: z.number().int().min(0).optional(), allowDuplicates: z.boolean().default(false) });
export const RemoveEntriesInput = z.object({ id: PlaylistId, entryIds: EntryIds });
export const MoveEntriesInput = z.object({ id: PlaylistId, entryIds: EntryIds, toIndex: z.number().int().min(0) });
export const UpdateEntryInput = z.object({
  entryId: EntryId,
  notes: z.string().max(2000).nullable().optional(),
  cueInSec: z.number().min(0).max(86_400).nullable().optional(),
  cueOutSec: z.number().min(0).max(86_400).nullable().optional(),
  ratingInContext: z.number().int().min(0).max(5).nullable().optional(),
});
export const RelinkEntryInput = z.object({ entryId: EntryId, trackId: z.string().uuid() });
export const CopyInput = z.object({ id: PlaylistId, name: PlaylistName });
export const MergeInput = z.object({ targetId: PlaylistId, sourceId: PlaylistId, deleteSource: z.boolean().default(false), allowDuplicates: z.boolean().default(false) });
export const SmartPreviewInput = SmartDefinition.and(z.object({ limitPreview: z.number().int().min(1).max(500).default(50) }));
export const ThinkInput = z.object({ trackIds: TrackIds, add: z.boolean() });
export const PromoteInput = z.object({ name: PlaylistName });
export const LogPlayInput = z.object({ trackId: z.string().uuid(), durationMs: z.number().int().min(0).max(86_400_000).optional() });
export const SplitSessionInput = z.object({ id: PlaylistId, entryId: EntryId });
export const ImportInput = z.object({
  fileName: z.string().trim().min(1).max(255),
  content: z.string().max(20_000_000),
  name: PlaylistName.optional(),
  parentId: PlaylistId.nullable().optional(),
  baseDir: z.string().startsWith('/').max(4096).nullable().optional(),
  keepUnmatched: z.boolean().default(true),
});
