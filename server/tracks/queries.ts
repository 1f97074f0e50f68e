import { NEEDS_LOOK_SQL } from './needs-look';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { artworks, hotCues, libraryDirectories, playlistTracks, playlists, tracks } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { compileFilters } from './filters';
import type { FacetIndex } from './facet-index';
import { FacetsInput, type TrackFilters } from './schemas';

/** Everything the track page shows: the track, its folder, cover, duplicates, cues, playlists. */
export function trackById(ex: Executor, id: string) {
  const row = ex
    .select({ track: tracks, directoryPath: libraryDirectories.path, directoryName: libraryDirectories.name, artwork: artworks })
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .leftJoin(artworks, eq(artworks.id, tracks.artworkId))
    .where(eq(tracks.id, id))
    .get();
  if (!row) throw new NotFoundError('track', id);
  const t = row.track;
  const duplicates = t.duplicateGroupId
    ? ex
        .select({
          id: tracks.id,
          relPath: tracks.relPath,
          directoryName: libraryDirectories.name,
          format: tracks.format,
          bitrate: tracks.bitrate,
          sampleRate: tracks.sampleRate,
          isLossless: tracks.isLossless,
          sizeBytes: tracks.sizeBytes,
          isMissing: tracks.isMissing,
        })
        .from(tracks)
        .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
        .where(and(eq(tracks.duplicateGroupId, t.duplicateGroupId), ne(tracks.id, id)))
        .orderBy(asc(tracks.relPath))
        .all()
    : [];
  const cues = ex.select().from(hotCues).where(eq(hotCues.trackId, id)).orderBy(asc(hotCues.cueIndex)).all();
  const inPlaylists = ex
    .select({ id: playlists.id, name: playlists.name, type: playlists.type })
    .from(playlistTracks)
    .innerJoin(playlists, eq(playlists.id, playlistTracks.playlistId))
    .where(eq(playlistTracks.trackId, id))
    .groupBy(playlists.id)
    .all();
  return {
    ...t,
    directoryPath: row.directoryPath,
    directoryName: row.directoryName,
    absPath: row.directoryPath ? `${row.directoryPath}/${t.relPath}` : t.formerPath,
    artwork: row.artwork,
    duplicates,
    hotCues: cues,
    playlists: inPlaylists,
  };
}
export type TrackDetail = ReturnType<typeof trackById>;

interface Count<T> {
  value: T;
  count: number;
}

/**
 * Counts for the filter panel, over the current filters. Each dimension is counted without its own
 * filter, so picking one genre still shows the others to add. This is the SQL definition; the web
 * process answers from a FacetIndex, which must agree with it.
 */
export function facetsSql(db: Db, raw: { filters?: TrackFilters }) {
  const { filters } = FacetsInput.parse(raw);
  const group = <T>(omit: Parameters<typeof compileFilters>[1], select: string, where: string, order: string, limit: number) => {
    const f = compileFilters(filters, omit);
    return db.all<Count<T>>(
      sql`SELECT ${sql.raw(select)} AS value, count(*) AS count FROM tracks t WHERE ${f.where} AND ${sql.raw(where)} GROUP BY value ORDER BY ${sql.raw(order)} LIMIT ${limit}`,
    );
  };
  const f = compileFilters(filters);
  const flags = db.get<{ total: number; missing: number; broken: number; lossless: number; analyzed: number; needsLook: number; duplicates: number }>(
    sql`SELECT count(*) AS total, coalesce(sum(t.is_missing), 0) AS missing, coalesce(sum(t.is_broken), 0) AS broken, coalesce(sum(t.is_lossless), 0) AS lossless, coalesce(sum(t.is_analyzed), 0) AS analyzed,
               coalesce(sum(${sql.raw(NEEDS_LOOK_SQL)}), 0) AS needsLook, count(t.duplicate_group_id) AS duplicates FROM tracks t WHERE ${f.where}`,
  );
  return {
    /** True when counted from data that is being refreshed: ask again in a moment. */
    stale: false,
    ...flags,
    genres: group<string>('genres', 't.genre COLLATE NOCASE', 't.genre IS NOT NULL', 'count DESC, value', 60),
    artists: group<string>('artist', 't.artist COLLATE NOCASE', 't.artist IS NOT NULL', 'count DESC, value', 60),
    years: group<number>('years', 't.year', 't.year IS NOT NULL', 'value DESC', 200),
    keys: group<number>('keys', 't.key_sort', 't.key_sort IS NOT NULL', 'value', 24),
    formats: group<string>('formats', 't.format', 't.format IS NOT NULL', 'count DESC, value', 30),
    /** Tracks per 2-BPM bucket (value = the bucket's lower bound). */
    bpmHistogram: group<number>('bpm', 'CAST(t.bpm / 2 AS INTEGER) * 2', 't.bpm IS NOT NULL', 'value', 200),
    ratings: group<number>(undefined, 't.rating', '1', 'value', 6),
  };
}
export type TrackFacets = ReturnType<typeof facetsSql>;

/** Facets from the in-memory index when there is one, else from SQL. */
export async function trackFacets(db: Db, raw: { filters?: TrackFilters }, index?: FacetIndex): Promise<TrackFacets> {
  return index ? index.facets(raw) : facetsSql(db, raw);
}

/** For other modules that need a cheap count of matching tracks. */
export function countTracks(db: Db, filters: TrackFilters): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks t WHERE ${compileFilters(filters).where}`)?.n ?? 0;
}
