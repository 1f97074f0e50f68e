import { eq, sql } from 'drizzle-orm';
import { playlists, type Playlist } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';
import { compileRule, compileSort, SmartDefinition } from './rules';

/** The stored definition of a smart playlist. */
export const smartDefinitionOf = (p: Pick<Playlist, 'smartRules' | 'smartSort' | 'smartLimit'>): SmartDefinition =>
  SmartDefinition.parse({ rules: p.smartRules, sort: p.smartSort ?? [], limit: p.smartLimit ?? null });

/**
 * The tracks a smart playlist holds right now, in its order: one statement, rules bound as
 * parameters. A duration limit keeps tracks while the running total stays within it.
 */
export function smartTrackIds(ex: Executor, def: SmartDefinition, now: number, seed = 1): string[] {
  const where = compileRule(def.rules, now);
  const order = compileSort(def.sort, seed);
  const limit = def.limit;
  if (limit && 'durationMinutes' in limit) {
    const rows = ex.all<{ id: string }>(sql`
      SELECT id FROM (
        SELECT t.id AS id, row_number() OVER w AS n, sum(coalesce(t.duration_ms, 0)) OVER (w ROWS UNBOUNDED PRECEDING) AS running
        FROM tracks t WHERE ${where}
        WINDOW w AS (ORDER BY ${order})
      ) WHERE running <= ${limit.durationMinutes * 60_000} ORDER BY n`);
    return rows.map((r) => r.id);
  }
  const rows = ex.all<{ id: string }>(sql`SELECT t.id AS id FROM tracks t WHERE ${where} ORDER BY ${order} LIMIT ${limit && 'count' in limit ? limit.count : -1}`);
  return rows.map((r) => r.id);
}

/** How many tracks match the rules (before any limit). */
export function smartCount(ex: Executor, def: SmartDefinition, now: number): number {
  return ex.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks t WHERE ${compileRule(def.rules, now)}`).n;
}

/** What a smart playlist's rules choose now (read only: run it outside the write lock). */
export function evaluateSmart(ex: Executor, p: Playlist, now: number): string[] {
  return smartTrackIds(ex, smartDefinitionOf(p), now, p.createdAt);
}

export interface SmartRefresh {
  playlistId: string;
  count: number;
  added: number;
  removed: number;
  changed: boolean;
}

/**
 * Stores a smart playlist's tracks as its entries, so it reads, exports and counts like any other
 * playlist. Nothing is written when the choice is unchanged; otherwise the entries are replaced in
 * one statement and `playlist:smart:refreshed` says how many came and went.
 */
export function storeSmartEntries(ex: Executor, playlistId: string, ids: string[], now: number): SmartRefresh {
  const old = ex.all<{ trackId: string | null }>(sql`SELECT track_id AS trackId FROM playlist_tracks WHERE playlist_id = ${playlistId} ORDER BY position, id`);
  ex.update(playlists).set({ smartRefreshedAt: now }).where(eq(playlists.id, playlistId)).run();
  const same = old.length === ids.length && old.every((o, i) => o.trackId === ids[i]);
  if (same) return { playlistId, count: ids.length, added: 0, removed: 0, changed: false };
  const before = new Set(old.map((o) => o.trackId));
  const after = new Set(ids);
  const added = ids.filter((id) => !before.has(id)).length;
  const removed = old.filter((o) => !after.has(o.trackId!)).length;
  ex.run(sql`DELETE FROM playlist_tracks WHERE playlist_id = ${playlistId}`);
  ex.run(sql`INSERT INTO playlist_tracks (playlist_id, track_id, position, added_at) SELECT ${playlistId}, value, key, ${now} FROM json_each(${JSON.stringify(ids)})`);
  appendEvent(ex, 'playlist:smart:refreshed', { playlistId, count: ids.length, added, removed }, now);
  return { playlistId, count: ids.length, added, removed, changed: true };
}

/** Evaluates and stores one smart playlist (inside a write transaction). */
export function refreshSmartPlaylist(ex: Executor, p: Playlist, now: number): SmartRefresh {
  return storeSmartEntries(ex, p.id, evaluateSmart(ex, p, now), now);
}

export const smartPlaylists = (ex: Executor) => ex.select().from(playlists).where(eq(playlists.type, 'smart')).all();
