import { z } from 'zod';

const Glob = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((g) => !g.startsWith('/') && !g.split('/').includes('..'), 'patterns are relative to the folder and may not use ".."');

export const DirectoryId = z.string().uuid({ message: 'must be a directory id (UUID)' });
export const DirectoryIdInput = z.object({ id: DirectoryId });

const DirectoryOptions = z.object({
  name: z.string().trim().min(1).max(200),
  isActive: z.boolean(),
  isRemovable: z.boolean(),
  includePatterns: z.array(Glob).max(100).nullable(),
  excludePatterns: z.array(Glob).max(100),
  maxDepth: z.number().int().min(0).max(100).nullable(),
  followSymlinks: z.boolean(),
  priority: z.number().int().min(-100).max(100),
});

export const CreateDirectoryInput = DirectoryOptions.partial().extend({
  path: z.string().min(1, 'path is required').max(4096),
});
export type CreateDirectoryInput = z.infer<typeof CreateDirectoryInput>;

export const UpdateDirectoryInput = DirectoryOptions.partial()
  .extend({ id: DirectoryId })
  .refine((v) => Object.keys(v).length > 1, 'nothing to update');
export type UpdateDirectoryInput = z.infer<typeof UpdateDirectoryInput>;

export const RemoveDirectoryInput = z.object({
  id: DirectoryId,
  /** Required on purpose: removing a folder never guesses what happens to its tracks. */
  tracks: z.enum(['keep', 'remove'], { message: 'say whether to keep the tracks (as missing) or remove them from the library' }),
});
export type RemoveDirectoryInput = z.infer<typeof RemoveDirectoryInput>;

export const BrowseServerInput = z.object({
  path: z.string().max(4096).optional(),
  showHidden: z.boolean().optional(),
});
export type BrowseServerInput = z.infer<typeof BrowseServerInput>;

/** Default include patterns: the usual audio extensions, case-insensitive. */
export const AUDIO_EXTENSIONS = ['mp3', 'flac', 'wav', 'aiff', 'aif', 'm4a', 'aac', 'alac', 'ogg', 'opus', 'wma', 'ape', 'wv'] as const;
