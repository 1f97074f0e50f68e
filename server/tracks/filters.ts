import { NEEDS_LOOK_SQL } from './needs-look';
import { sql, type SQL } from 'drizzle-orm';
import { parseKey, type MusicalKey } from '../music/keys';
import { parseQuery } from '../search/parse-query';
import type { TrackFilters } from './schemas';

/** Camelot position (1A = 2 … 12B = 25), as the `key_sort` column stores it. */
export const keySortOf = (k: MusicalKey) => ((k.mode === 1 ? (7 * k.pitch + 7) % 12 : (7 * k.pitch + 4) % 12) + 1) * 2 + k.mode;

/**
 * Filters with the query's field syntax (`bpm:120-128 key:8A`) merged in, ready to become SQL or
 * a predicate. Both readings below follow the same rules, so the list and its facets agree.
 */
export interface ResolvedFilters {
  bpm?: { lo: number; hi: number; halfDouble: boolean };
  artist?: string;
  genres?: string[];
  keySorts?: number[];
  directoryId?: string;
  folder?: string;
  missing?: boolean;
  broken?: boolean;
  lossless?: boolean;
  analyzed?: boolean;
  needsLook?: boolean;
  duplicate?: boolean;
  duplicateGroupId?: number;
  yearMin?: number;
  yearMax?: number;
  /** 0 means no rating filter. */
  ratingMin: number;
  energyMin?: number;
  energyMax?: number;
  /** Lower case. */
  formats?: string[];
  addedFrom?: number;
  addedTo?: number;
  /** FTS5 MATCH expression when the filters include text. */
  fts: string | null;
  warnings: string[];
}

/** The dimensions a facet counts without its own filter. */
export type FacetDim = 'genres' | 'artist' | 'years' | 'keys' | 'formats' | 'bpm';

export function resolveFilters(f: TrackFilters): ResolvedFilters {
  const parsed = f.q ? parseQuery(f.q) : null;
  const q = parsed?.filters ?? {};
  const bpmMin = q.bpmMin ?? f.bpmMin;
  const bpmMax = q.bpmMax ?? f.bpmMax;
  const keys = [...(q.keys ?? []), ...(f.keys ?? []).map((k) => parseKey(k)!)];
  const formats = [...(q.formats ?? []), ...(f.formats ?? [])].map((x) => x.toLowerCase());
  return {
    bpm: bpmMin !== undefined || bpmMax !== undefined ? { lo: bpmMin ?? 0, hi: bpmMax ?? 999, halfDouble: !!f.bpmHalfDouble } : undefined,
    artist: f.artist || undefined,
    genres: f.genres?.length ? f.genres : undefined,
    keySorts: keys.length ? keys.map(keySortOf) : undefined,
    directoryId: f.directoryId,
    folder: f.directoryId && f.folder ? f.folder : undefined,
    missing: q.missing ?? f.missing,
    broken: q.broken ?? f.broken,
    lossless: q.lossless ?? f.lossless,
    analyzed: q.analyzed ?? f.analyzed,
    needsLook: q.needsLook ?? f.needsLook,
    duplicate: q.duplicate ?? f.duplicate,
    duplicateGroupId: f.duplicateGroupId || undefined,
    yearMin: q.yearMin ?? f.yearMin,
    yearMax: q.yearMax ?? f.yearMax,
    ratingMin: q.ratingMin ?? f.ratingMin ?? 0,
    energyMin: q.energyMin ?? f.energyMin,
    energyMax: q.energyMax ?? f.energyMax,
    formats: formats.length ? formats : undefined,
    addedFrom: f.addedFrom,
    addedTo: f.addedTo,
    fts: parsed?.fts ?? null,
    warnings: parsed?.warnings ?? [],
  };
}

/** The needs-a-look expression on the `t` alias the filters use. */
const NEEDS_LOOK_SQL_T = NEEDS_LOOK_SQL.replace(/\b(bpm_source|key_source|beat_offset_override|bpm_confidence|key_confidence|is_analyzed|bpm|is_broken)\b/g, 't.$1');

const list = (xs: (string | number)[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

/**
 * Every filter as one parameterised WHERE clause over `tracks t` (values are always bound, never
 * spliced). `omit` leaves one dimension out, for facets that count alternatives to it; `fts: false`
 * leaves the text match to a query that joins the FTS table itself.
 */
export function filtersSql(r: ResolvedFilters, omit?: FacetDim, opts: { fts?: boolean } = {}): SQL {
  const parts: SQL[] = [];
  if (omit !== 'bpm' && r.bpm) {
    const { lo, hi } = r.bpm;
    parts.push(
      r.bpm.halfDouble
        ? sql`(t.bpm BETWEEN ${lo} AND ${hi} OR t.bpm BETWEEN ${lo / 2} AND ${hi / 2} OR t.bpm BETWEEN ${lo * 2} AND ${hi * 2})`
        : sql`t.bpm BETWEEN ${lo} AND ${hi}`,
    );
  }
  if (omit !== 'artist' && r.artist) parts.push(sql`t.artist = ${r.artist} COLLATE NOCASE`);
  if (omit !== 'genres' && r.genres) parts.push(sql`t.genre COLLATE NOCASE IN (${list(r.genres)})`);
  if (omit !== 'keys' && r.keySorts) parts.push(sql`t.key_sort IN (${list(r.keySorts)})`);
  if (r.directoryId) parts.push(sql`t.directory_id = ${r.directoryId}`);
  if (r.folder) parts.push(sql`(t.rel_path > ${`${r.folder}/`} AND t.rel_path < ${`${r.folder}0`})`);
  const flag = (v: boolean | undefined, col: string) => {
    if (v !== undefined) parts.push(sql`${sql.raw(col)} = ${v ? 1 : 0}`);
  };
  flag(r.missing, 't.is_missing');
  flag(r.broken, 't.is_broken');
  flag(r.lossless, 't.is_lossless');
  flag(r.analyzed, 't.is_analyzed');
  if (r.needsLook !== undefined) parts.push(r.needsLook ? sql.raw(NEEDS_LOOK_SQL_T) : sql.raw(`NOT ${NEEDS_LOOK_SQL_T}`));
  if (r.duplicate !== undefined) parts.push(r.duplicate ? sql`t.duplicate_group_id IS NOT NULL` : sql`t.duplicate_group_id IS NULL`);
  if (r.duplicateGroupId) parts.push(sql`t.duplicate_group_id = ${r.duplicateGroupId}`);
  if (omit !== 'years' && r.yearMin !== undefined) parts.push(sql`t.year >= ${r.yearMin}`);
  if (omit !== 'years' && r.yearMax !== undefined) parts.push(sql`t.year <= ${r.yearMax}`);
  if (r.ratingMin) parts.push(sql`t.rating >= ${r.ratingMin}`);
  if (r.energyMin !== undefined) parts.push(sql`t.energy_level >= ${r.energyMin}`);
  if (r.energyMax !== undefined) parts.push(sql`t.energy_level <= ${r.energyMax}`);
  if (omit !== 'formats' && r.formats) parts.push(sql`t.format IN (${list(r.formats)})`);
  if (r.addedFrom !== undefined) parts.push(sql`t.date_added >= ${r.addedFrom}`);
  if (r.addedTo !== undefined) parts.push(sql`t.date_added <= ${r.addedTo}`);
  if (r.fts && opts.fts !== false) parts.push(sql`t.seq IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ${r.fts})`);
  return parts.length ? sql.join(parts, sql` AND `) : sql`1`;
}

export interface CompiledFilters {
  where: SQL;
  fts: string | null;
  warnings: string[];
}

export function compileFilters(f: TrackFilters, omit?: FacetDim): CompiledFilters {
  const r = resolveFilters(f);
  return { where: filtersSql(r, omit), fts: r.fts, warnings: r.warnings };
}
