import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { InvalidError } from '../errors';
import { parseQuery } from '../search/parse-query';
import type { Vocabulary } from '../search/spelling';
import { mapRow, ROW_COLUMNS_SQL, type TrackRow } from './track-rows';
import { filtersSql, resolveFilters } from './filters';
import { ListTracksInput, type SortField } from './schemas';

/** Sort expressions; text sorts ignore case (and use the NOCASE indexes). */
const SORT_SQL: Record<Exclude<SortField, 'relevance'>, { expr: string; text?: boolean }> = {
  title: { expr: 't.title COLLATE NOCASE', text: true },
  artist: { expr: 't.artist COLLATE NOCASE', text: true },
  album: { expr: 't.album COLLATE NOCASE', text: true },
  albumArtist: { expr: 't.album_artist COLLATE NOCASE', text: true },
  genre: { expr: 't.genre COLLATE NOCASE', text: true },
  year: { expr: 't.year' },
  bpm: { expr: 't.bpm' },
  key: { expr: 't.key_sort' },
  energy: { expr: 't.energy_level' },
  rating: { expr: 't.rating' },
  duration: { expr: 't.duration_ms' },
  format: { expr: 't.format COLLATE NOCASE', text: true },
  bitrate: { expr: 't.bitrate' },
  dateAdded: { expr: 't.date_added' },
  playCount: { expr: 't.play_count' },
  lastPlayed: { expr: 't.last_played_at' },
  fileName: { expr: 't.file_name COLLATE NOCASE', text: true },
  trackNumber: { expr: 't.track_number' },
};

interface Cursor {
  v: string | number | null;
  s: number;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.s !== 'number' || !(c.v === null || typeof c.v === 'string' || typeof c.v === 'number')) throw new Error('shape');
    return c;
  } catch {
    throw new InvalidError('Invalid cursor: pass the nextCursor of a previous page');
  }
}

export interface TrackPage {
  items: TrackRow[];
  total: number | null;
  nextCursor: string | null;
  /** When the query matched nothing and a spelling fix did: the corrected query, and results for it. */
  didYouMean: string | null;
  corrected: boolean;
  warnings: string[];
}

// bm25 weights per FTS column: title, artist, album, album artist, genre, label, comment, file name
const RANK = 'bm25(tracks_fts, 10.0, 8.0, 3.0, 3.0, 1.5, 1.0, 0.5, 1.0)';

/**
 * A page of tracks for any filter and sort. Ordered by the sort column with missing values last
 * and the row number as tie-breaker, so pages never overlap or skip; relevance (the default with a
 * text query) ranks title and artist matches first. Paged by keyset cursor or by offset.
 */
export function listTracks(db: Db, raw: ListTracksInput, vocab?: Vocabulary): TrackPage {
  const input = ListTracksInput.parse(raw);
  const page = runList(db, input);
  if (page.total === 0 && input.filters.q && vocab) {
    const fixed = correctQuery(input.filters.q, vocab);
    if (fixed) {
      const second = runList(db, { ...input, filters: { ...input.filters, q: fixed } });
      if ((second.total ?? second.items.length) > 0) return { ...second, didYouMean: fixed, corrected: true };
      return { ...page, didYouMean: fixed };
    }
  }
  return page;
}

function runList(db: Db, input: ReturnType<typeof ListTracksInput.parse>): TrackPage {
  const r = resolveFilters(input.filters);
  const f = { where: filtersSql(r), fts: r.fts, warnings: r.warnings };
  const sort = input.sort ?? (f.fts ? { field: 'relevance' as const, dir: 'asc' as const } : { field: 'dateAdded' as const, dir: 'desc' as const });
  const total = input.withTotal ? (db.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks t WHERE ${f.where}`)?.n ?? 0) : null;
  const limit = input.limit;
  const cols = sql.raw(ROW_COLUMNS_SQL);
  let rows: Record<string, unknown>[];

  if (sort.field === 'relevance' && f.fts) {
    // rank from the FTS index itself; offset paging (ranks are not a stable keyset)
    const offset = input.offset ?? (input.cursor ? decodeCursor(input.cursor).s : 0);
    rows = db.all(
      sql`SELECT ${cols} FROM tracks_fts f JOIN tracks t ON t.seq = f.rowid WHERE tracks_fts MATCH ${f.fts} AND ${filtersSql(r, undefined, { fts: false })} ORDER BY ${sql.raw(RANK)}, t.seq LIMIT ${limit + 1} OFFSET ${offset}`,
    );
    const items = rows.slice(0, limit).map(mapRow);
    return { items, total, nextCursor: rows.length > limit ? encodeCursor({ v: null, s: offset + limit }) : null, didYouMean: null, corrected: false, warnings: f.warnings };
  }
  const spec = SORT_SQL[sort.field === 'relevance' ? 'dateAdded' : sort.field];
  const expr = sql.raw(spec.expr);
  const asc = sort.dir === 'asc';
  const order = sql.raw(`${spec.expr} ${asc ? 'ASC' : 'DESC'} NULLS LAST, t.seq ${asc ? 'ASC' : 'DESC'}`);
  const col = spec.expr.split(' ')[0]!.slice(2);
  const sortValue = (r: Record<string, unknown>) => (r[col] ?? null) as string | number | null;

  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    const cmp = sql.raw(asc ? '>' : '<');
    // non-null values after the cursor (an index seek), then the rows without a value
    const after =
      c.v === null
        ? []
        : db.all<Record<string, unknown>>(sql`SELECT ${cols} FROM tracks t WHERE ${f.where} AND (${expr}, t.seq) ${cmp} (${c.v}, ${c.s}) ORDER BY ${order} LIMIT ${limit + 1}`);
    const nulls =
      after.length > limit
        ? []
        : db.all<Record<string, unknown>>(
            sql`SELECT ${cols} FROM tracks t WHERE ${f.where} AND ${expr} IS NULL ${c.v === null ? sql`AND t.seq ${cmp} ${c.s}` : sql``} ORDER BY t.seq ${sql.raw(asc ? 'ASC' : 'DESC')} LIMIT ${limit + 1 - after.length}`,
          );
    rows = [...after, ...nulls];
  } else {
    rows = db.all(sql`SELECT ${cols} FROM tracks t WHERE ${f.where} ORDER BY ${order} LIMIT ${limit + 1} OFFSET ${input.offset ?? 0}`);
  }
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(mapRow),
    total,
    nextCursor: rows.length > limit && last ? encodeCursor({ v: sortValue(last), s: last.seq as number }) : null,
    didYouMean: null,
    corrected: false,
    warnings: f.warnings,
  };
}

/** The query with each misspelt word replaced by the closest word of the library, or null. */
export function correctQuery(q: string, vocab: Vocabulary): string | null {
  const parsed = parseQuery(q);
  let out = q;
  let changed = false;
  for (const w of [...parsed.words, ...parsed.fieldWords.map((x) => x.word)]) {
    const fix = vocab.suggest(w);
    if (!fix || fix === w) continue;
    out = out.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[^\\p{L}\\p{N}])`, 'iu'), `$1${fix}`);
    changed = true;
  }
  return changed ? out : null;
}
