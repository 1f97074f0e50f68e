/**
 * The shapes the playlists API answers with, declared as `.output()` so they are pinned (see
 * tracks/output.ts). Server-only.
 */
import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { playlists, REACTIONS } from '@/drizzle/schema';
import { TrackRowSchema } from '../tracks/output';

const PlaylistType = z.enum(['static', 'smart', 'session', 'temp', 'folder']);

/** A playlist or folder as the sidebar lists it (listPlaylists). */
export const PlaylistListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: PlaylistType,
  parentId: z.string().nullable(),
  color: z.string().nullable(),
  icon: z.string().nullable(),
  isFavorite: z.boolean(),
  isReadonly: z.boolean(),
  sortOrder: z.number().int(),
  sessionStartedAt: z.number().nullable(),
  sessionEndedAt: z.number().nullable(),
  count: z.number().int(),
});

/** An entry of a playlist in order: its track (null for a placeholder), what the entry carries, the placeholder (playlistEntries). */
export const PlaylistEntrySchema = z.object({
  entryId: z.number().int(),
  position: z.number().int(),
  track: TrackRowSchema.nullable(),
  notes: z.string().nullable(),
  cueInSec: z.number().nullable(),
  cueOutSec: z.number().nullable(),
  ratingInContext: z.number().int().nullable(),
  playedAt: z.number().nullable(),
  playDurationMs: z.number().nullable(),
  placeholder: z.object({ artist: z.string().nullish(), title: z.string().nullish(), durationMs: z.number().nullish(), path: z.string().nullish() }).nullable(),
  /** How the play went (DJ sessions only). */
  reaction: z.enum(REACTIONS).nullable(),
});

export const PlaylistRowSchema = createSelectSchema(playlists, { smartRules: z.unknown(), smartSort: z.unknown(), smartLimit: z.unknown() });
