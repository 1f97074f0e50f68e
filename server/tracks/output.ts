/**
 * The shapes the tracks API answers with, declared as `.output()` on its procedures so they are
 * pinned: a change to a row's fields shows up here and in the tests, not in another tool first.
 * Built from the Drizzle table (drizzle-zod), so a column's type is written once. Server-only: the
 * browser imports types, never these schemas.
 */
import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { artworks, hotCues, tracks } from '@/drizzle/schema';
import { ROW_FIELDS } from './track-rows';

export const TrackSchema = createSelectSchema(tracks, { editedFields: z.array(z.string()) });

/** A row of the library table (ROW_FIELDS). */
export const TrackRowSchema = TrackSchema.pick(Object.fromEntries(ROW_FIELDS.map((k) => [k, true])) as Record<(typeof ROW_FIELDS)[number], true>);

export const TrackPageSchema = z.object({
  items: z.array(TrackRowSchema),
  total: z.number().int().nullable(),
  nextCursor: z.string().nullable(),
  didYouMean: z.string().nullable(),
  corrected: z.boolean(),
  warnings: z.array(z.string()),
});

/** The track page: the track, its folder, cover, other copies, cues and playlists (trackById). */
export const TrackDetailSchema = TrackSchema.extend({
  directoryPath: z.string().nullable(),
  directoryName: z.string().nullable(),
  absPath: z.string().nullable(),
  artwork: createSelectSchema(artworks).nullable(),
  duplicates: z.array(
    TrackSchema.pick({ id: true, relPath: true, format: true, bitrate: true, sampleRate: true, isLossless: true, sizeBytes: true, isMissing: true }).extend({
      directoryName: z.string().nullable(),
    }),
  ),
  hotCues: z.array(createSelectSchema(hotCues)),
  playlists: z.array(z.object({ id: z.string(), name: z.string(), type: z.enum(['static', 'smart', 'session', 'temp', 'folder']) })),
});
