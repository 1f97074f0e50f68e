import { z } from 'zod';
import { DirectoryId } from '../folders/schemas';
import { parseKey } from '../music/keys';

export const TrackId = z.string().uuid({ message: 'must be a track id (UUID)' });
export const TrackIdInput = z.object({ id: TrackId });
export const TrackIdsInput = z.object({ ids: z.array(TrackId).min(1).max(5000) });

export const SORT_FIELDS = [
  'relevance',
  'title',
  'artist',
  'album',
  'albumArtist',
  'genre',
  'year',
  'bpm',
  'key',
  'energy',
  'rating',
  'duration',
  'format',
  'bitrate',
  'dateAdded',
  'playCount',
  'lastPlayed',
  'fileName',
  'trackNumber',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

const KeyText = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .refine((k) => parseKey(k) !== null, { message: 'must be a key like 8A, 1m, Am or F#' });

/** Filters shared by list, facets and smart playlists. Ranges are inclusive. */
export const TrackFilters = z
  .object({
    q: z.string().max(500).optional(),
    artist: z.string().trim().min(1).max(300).optional(),
    genres: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
    bpmMin: z.number().min(0).max(999).optional(),
    bpmMax: z.number().min(0).max(999).optional(),
    /** Also match half and double tempo (a 64 BPM track mixes at 128). */
    bpmHalfDouble: z.boolean().optional(),
    /** Keys in any notation (8A, 1m, Am, F#). */
    keys: z.array(KeyText).max(24).optional(),
    directoryId: DirectoryId.optional(),
    /** A folder inside the directory (with directoryId): tracks in it and below it. */
    folder: z.string().max(4096).optional(),
    missing: z.boolean().optional(),
    broken: z.boolean().optional(),
    lossless: z.boolean().optional(),
    analyzed: z.boolean().optional(),
    /** Unsure BPM or key, no tempo found, or corrected by the DJ. */
    needsLook: z.boolean().optional(),
    duplicate: z.boolean().optional(),
    duplicateGroupId: z.number().int().positive().optional(),
    yearMin: z.number().int().min(0).max(9999).optional(),
    yearMax: z.number().int().min(0).max(9999).optional(),
    ratingMin: z.number().int().min(0).max(5).optional(),
    energyMin: z.number().int().min(1).max(10).optional(),
    energyMax: z.number().int().min(1).max(10).optional(),
    formats: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
    addedFrom: z.number().int().min(0).optional(),
    addedTo: z.number().int().min(0).optional(),
  })
  .superRefine((f, ctx) => {
    const order = (a: keyof typeof f, b: keyof typeof f, what: string) => {
      const lo = f[a] as number | undefined;
      const hi = f[b] as number | undefined;
      if (lo !== undefined && hi !== undefined && lo > hi) ctx.addIssue({ code: 'custom', path: [a], message: `${what} range is reversed: ${lo} is above ${hi}` });
    };
    order('bpmMin', 'bpmMax', 'BPM');
    order('yearMin', 'yearMax', 'year');
    order('energyMin', 'energyMax', 'energy');
    order('addedFrom', 'addedTo', 'date added');
    if (f.folder !== undefined && !f.directoryId) ctx.addIssue({ code: 'custom', path: ['folder'], message: 'a folder needs its directoryId' });
  });
export type TrackFilters = z.infer<typeof TrackFilters>;

export const TrackSort = z.object({ field: z.enum(SORT_FIELDS).default('dateAdded'), dir: z.enum(['asc', 'desc']).default('desc') });
export type TrackSort = z.infer<typeof TrackSort>;

export const ListTracksInput = z
  .object({
    filters: TrackFilters.default({}),
    sort: TrackSort.optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Keyset cursor from the previous page (for scrolling through results in order). */
    cursor: z.string().max(2000).nullish(),
    /** Or a window by position (for a virtual table that jumps anywhere). */
    offset: z.number().int().min(0).max(10_000_000).optional(),
    /** Count all matches (the first page of a view needs it). */
    withTotal: z.boolean().default(true),
  })
  .refine((v) => !(v.cursor && v.offset !== undefined), { message: 'use either cursor or offset, not both' });
export type ListTracksInput = z.input<typeof ListTracksInput>;

export const SearchTracksInput = z.object({ q: z.string().max(500), limit: z.number().int().min(1).max(50).default(10) });
export const FacetsInput = z.object({ filters: TrackFilters.default({}) });

const Text = (max: number) => z.string().trim().max(max).nullable();
export const UpdateTrackInput = z
  .object({
    id: TrackId,
    title: Text(500).optional(),
    artist: Text(500).optional(),
    album: Text(500).optional(),
    albumArtist: Text(500).optional(),
    genre: Text(200).optional(),
    year: z.number().int().min(1000).max(2999).nullable().optional(),
    trackNumber: z.number().int().min(0).max(9999).nullable().optional(),
    discNumber: z.number().int().min(0).max(999).nullable().optional(),
    comment: Text(2000).optional(),
    label: Text(300).optional(),
    composer: Text(300).optional(),
    remixer: Text(300).optional(),
    grouping: Text(300).optional(),
    isrc: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/i, 'must be an ISRC like GBAYE0601498')
      .nullable()
      .optional(),
    rating: z.number().int().min(0, 'rating is 0 to 5').max(5, 'rating is 0 to 5').optional(),
    color: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i, 'must be a colour like #ff8800')
      .nullable()
      .optional(),
    energyLevel: z.number().int().min(1).max(10).nullable().optional(),
    /** A corrected BPM that wins over analysis and tags; null removes the correction. */
    bpm: z.number().min(30).max(300).nullable().optional(),
    /** A corrected key in any notation; null removes the correction. */
    key: KeyText.nullable().optional(),
    /** The user's grid anchor: seconds to the first downbeat (wins over analysis); null removes it. */
    beatOffset: z.number().min(0).max(86_400).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 1, 'nothing to update');
export type UpdateTrackInput = z.infer<typeof UpdateTrackInput>;

export const CreateTrackInput = z.object({ path: z.string().min(1).max(4096) });
export const RemoveTracksInput = TrackIdsInput;
