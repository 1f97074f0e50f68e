import { getTableColumns, sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { tracks, type Track } from '@/drizzle/schema';
import { ROW_FIELDS, type TrackRow } from './row-fields';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';

const ALL = Object.entries(getTableColumns(tracks) as Record<string, SQLiteColumn>).map(([key, col]) => ({ key: key as keyof Track, db: toSnakeCase(key), col }));

export { ROW_FIELDS, type TrackRow } from './row-fields';

const ROW = ALL.filter((c) => (ROW_FIELDS as readonly string[]).includes(c.key));

function mapper<T>(columns: typeof ALL) {
  return (raw: Record<string, unknown>): T => {
    const out: Record<string, unknown> = {};
    for (const { key, db, col } of columns) {
      const v = raw[db];
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T;
  };
}

/** Maps a raw `tracks` row (snake_case, from hand-written SQL) to a Track, with Drizzle's decoders. */
export const mapTrackRow = mapper<Track>(ALL);
/** `t."col"` for every column: the projection mapTrackRow expects. */
export const TRACK_COLUMNS_SQL = ALL.map((c) => `t."${c.db}"`).join(', ');

/** The same for table rows (ROW_FIELDS). */
export const mapRow = mapper<TrackRow>(ROW);
export const ROW_COLUMNS_SQL = ROW.map((c) => `t."${c.db}"`).join(', ');

/** Library rows for these track ids, in their order (ids without a track are left out). */
export function tracksByIds(ex: Executor, ids: string[]): TrackRow[] {
  if (!ids.length) return [];
  const rows = ex.all<Record<string, unknown>>(sql`SELECT ${sql.raw(ROW_COLUMNS_SQL)} FROM tracks t WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const byId = new Map(rows.map((r) => [r.id as string, mapRow(r)]));
  return ids.map((id) => byId.get(id)).filter((r): r is TrackRow => r !== undefined);
}

/** One library row, or NotFoundError. */
export function trackRowById(ex: Executor, id: string): TrackRow {
  const row = tracksByIds(ex, [id])[0];
  if (!row) throw new NotFoundError('track', id);
  return row;
}
