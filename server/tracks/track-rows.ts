import { getTableColumns } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { tracks, type Track } from '@/drizzle/schema';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

const COLUMNS = Object.entries(getTableColumns(tracks) as Record<string, SQLiteColumn>).map(([key, col]) => ({ key, db: toSnakeCase(key), col }));

/** Maps a raw `tracks` row (snake_case, from hand-written SQL) to a Track, with Drizzle's decoders. */
export function mapTrackRow(raw: Record<string, unknown>): Track {
  const out: Record<string, unknown> = {};
  for (const { key, db, col } of COLUMNS) {
    const v = raw[db];
    out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
  }
  return out as Track;
}

/** `t.col AS col` for every column: the projection mapTrackRow expects. */
export const TRACK_COLUMNS_SQL = COLUMNS.map((c) => `t."${c.db}"`).join(', ');
