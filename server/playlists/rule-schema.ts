import { z } from 'zod';
import { parseKey } from '../music/keys';

/**
 * What a smart-playlist rule may say: its fields and the zod schemas of conditions, rule trees and
 * whole definitions. Pure (no database): the browser's rule editor validates with the same schemas
 * the server does. Compiling to SQL and reading back as a sentence live in `rules.ts`.
 */

export type FieldType = 'text' | 'number' | 'date' | 'bool' | 'key' | 'directory' | 'playlist' | 'sessions';

export interface FieldDef {
  type: FieldType;
  label: string;
  /** SQL over `tracks t`; fixed strings from this table only. */
  expr: string;
  /** Numbers shown and entered in another unit than stored (duration in seconds, kbps). */
  scale?: number;
}

export const RULE_FIELDS = {
  title: { type: 'text', label: 'title', expr: 't.title' },
  artist: { type: 'text', label: 'artist', expr: 't.artist' },
  album: { type: 'text', label: 'album', expr: 't.album' },
  albumArtist: { type: 'text', label: 'album artist', expr: 't.album_artist' },
  genre: { type: 'text', label: 'genre', expr: 't.genre' },
  label: { type: 'text', label: 'label', expr: 't.label' },
  comment: { type: 'text', label: 'comment', expr: 't.comment' },
  composer: { type: 'text', label: 'composer', expr: 't.composer' },
  remixer: { type: 'text', label: 'remixer', expr: 't.remixer' },
  grouping: { type: 'text', label: 'grouping', expr: 't.grouping' },
  fileName: { type: 'text', label: 'file name', expr: 't.file_name' },
  path: { type: 'text', label: 'path', expr: 't.rel_path' },
  format: { type: 'text', label: 'format', expr: 'coalesce(t.format, t.file_ext)' },
  codec: { type: 'text', label: 'codec', expr: 't.codec' },
  color: { type: 'text', label: 'colour', expr: 't.color' },
  bpm: { type: 'number', label: 'BPM', expr: 't.bpm' },
  year: { type: 'number', label: 'year', expr: 't.year' },
  rating: { type: 'number', label: 'rating', expr: 't.rating' },
  energy: { type: 'number', label: 'energy', expr: 'coalesce(t.energy_level, t.energy)' },
  playCount: { type: 'number', label: 'play count', expr: 't.play_count' },
  duration: { type: 'number', label: 'duration (s)', expr: 't.duration_ms', scale: 1000 },
  bitrate: { type: 'number', label: 'bitrate (kbps)', expr: 't.bitrate', scale: 1000 },
  sampleRate: { type: 'number', label: 'sample rate', expr: 't.sample_rate' },
  trackNumber: { type: 'number', label: 'track number', expr: 't.track_number' },
  size: { type: 'number', label: 'size (bytes)', expr: 't.size_bytes' },
  dateAdded: { type: 'date', label: 'date added', expr: 't.date_added' },
  lastPlayed: { type: 'date', label: 'last played', expr: 't.last_played_at' },
  modified: { type: 'date', label: 'file modified', expr: 't.mtime_ms' },
  lossless: { type: 'bool', label: 'lossless', expr: 'coalesce(t.is_lossless, 0)' },
  analysed: { type: 'bool', label: 'analysed', expr: 't.is_analyzed' },
  missing: { type: 'bool', label: 'missing', expr: 't.is_missing' },
  broken: { type: 'bool', label: 'broken', expr: 't.is_broken' },
  duplicate: { type: 'bool', label: 'a duplicate', expr: '(t.duplicate_group_id IS NOT NULL)' },
  compilation: { type: 'bool', label: 'a compilation', expr: 't.is_compilation' },
  key: { type: 'key', label: 'key', expr: 't.key_sort' },
  directory: { type: 'directory', label: 'library folder', expr: 't.directory_id' },
  playlist: { type: 'playlist', label: 'playlist', expr: 't.id' },
  sessions: { type: 'sessions', label: 'DJ sessions', expr: 't.id' },
} as const satisfies Record<string, FieldDef>;
export type RuleField = keyof typeof RULE_FIELDS;
/** Every field with its definition (the SQL expression is used only by the compiler in rules.ts). */
export const FIELDS = RULE_FIELDS as Record<RuleField, FieldDef>;
const fieldsOf = (type: FieldType) => (Object.keys(FIELDS) as RuleField[]).filter((f) => FIELDS[f].type === type) as [RuleField, ...RuleField[]];

const Text = z.string().max(500);
const Num = z.number().finite();
const Days = z.number().positive().max(36_500);
const Key = z
  .string()
  .max(10)
  .refine((k) => parseKey(k) !== null, 'not a key (try 8A, 5m or Am)');
const Id = z.string().min(1).max(100);

/** One condition: a field, an operator allowed for its type, and the operator's value. */
export const Condition = z.union([
  z.object({ field: z.enum(fieldsOf('text')), op: z.enum(['is', 'isNot', 'contains', 'notContains', 'startsWith', 'endsWith']), value: Text }),
  z.object({ field: z.enum(fieldsOf('text')), op: z.literal('inList'), value: z.array(Text).min(1).max(200) }),
  z.object({ field: z.enum([...fieldsOf('text'), ...fieldsOf('number'), ...fieldsOf('date'), 'key']), op: z.enum(['isEmpty', 'isNotEmpty']) }),
  z.object({ field: z.enum(fieldsOf('number')), op: z.enum(['eq', 'ne', 'lt', 'le', 'gt', 'ge']), value: Num }),
  z.object({ field: z.enum(fieldsOf('number')), op: z.literal('between'), value: z.tuple([Num, Num]) }),
  z.object({
    field: z.literal('bpm'),
    op: z.literal('near'),
    value: z.object({ bpm: Num.positive().max(999), percent: Num.min(0).max(50), halfDouble: z.boolean().default(false) }),
  }),
  z.object({ field: z.enum(fieldsOf('date')), op: z.enum(['inTheLast', 'notInTheLast']), value: Days }),
  z.object({ field: z.enum(fieldsOf('date')), op: z.enum(['before', 'after']), value: z.number().int().min(0) }),
  z.object({ field: z.enum(fieldsOf('date')), op: z.literal('between'), value: z.tuple([z.number().int().min(0), z.number().int().min(0)]) }),
  z.object({ field: z.enum(fieldsOf('bool')), op: z.literal('is'), value: z.boolean() }),
  z.object({ field: z.literal('key'), op: z.enum(['is', 'isNot']), value: Key }),
  z.object({ field: z.literal('key'), op: z.literal('inList'), value: z.array(Key).min(1).max(24) }),
  z.object({ field: z.literal('key'), op: z.literal('compatible'), value: Key }),
  z.object({ field: z.literal('directory'), op: z.enum(['is', 'isNot']), value: Id }),
  z.object({ field: z.literal('playlist'), op: z.enum(['inPlaylist', 'notInPlaylist']), value: Id }),
  z.object({ field: z.literal('sessions'), op: z.literal('notPlayedInLast'), value: z.number().int().min(1).max(1000) }),
]);
export type Condition = z.infer<typeof Condition>;

export type Rule = Condition | { all: Rule[] } | { any: Rule[] } | { not: Rule };
export const Rule: z.ZodType<Rule> = z.lazy(() =>
  z.union([z.object({ all: z.array(Rule).max(100) }).strict(), z.object({ any: z.array(Rule).max(100) }).strict(), z.object({ not: Rule }).strict(), Condition]),
);

const SORTABLE = [...fieldsOf('text'), ...fieldsOf('number'), ...fieldsOf('date'), 'key'] as const;
export const SmartSort = z.array(z.object({ field: z.enum([...SORTABLE, 'random']), dir: z.enum(['asc', 'desc']).default('asc') })).max(5);
export const SmartLimit = z.union([z.object({ count: z.number().int().min(1).max(100_000) }), z.object({ durationMinutes: z.number().positive().max(100_000) })]);

/** A whole smart playlist definition: its rules must stay small enough to read and to run. */
export const SmartDefinition = z.object({ rules: Rule, sort: SmartSort.default([]), limit: SmartLimit.nullable().default(null) }).superRefine((d, c) => {
  const size = measure(d.rules);
  if (size.depth > 8) c.addIssue({ code: 'custom', message: 'rules nest deeper than 8 levels' });
  if (size.conditions > 200) c.addIssue({ code: 'custom', message: 'more than 200 conditions' });
});
export type SmartDefinition = z.infer<typeof SmartDefinition>;

function measure(r: Rule, depth = 1): { depth: number; conditions: number } {
  const kids = 'all' in r ? r.all : 'any' in r ? r.any : 'not' in r ? [r.not] : null;
  if (!kids) return { depth, conditions: 1 };
  return kids.map((k) => measure(k, depth + 1)).reduce((a, b) => ({ depth: Math.max(a.depth, b.depth), conditions: a.conditions + b.conditions }), { depth, conditions: 0 });
}
