import crypto from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { playlistTracks, playlists, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { InvalidError, NotFoundError } from '../errors';
import { appendEvent } from '../events/outbox';

const HOUR = 3_600_000;

/** The session playlist being logged now, if any (not finalised). */
export function activeSession(ex: Executor) {
  return ex
    .select()
    .from(playlists)
    .where(and(eq(playlists.type, 'session'), isNull(playlists.sessionEndedAt)))
    .orderBy(desc(playlists.sessionStartedAt))
    .limit(1)
    .get();
}

/** Ends a session: its end is its last play, and it becomes read-only. */
export function finalizeSession(ex: Executor, playlistId: string, now: number) {
  const p = ex.select().from(playlists).where(eq(playlists.id, playlistId)).get();
  if (p?.type !== 'session' || p.sessionEndedAt) return false;
  ex.update(playlists)
    .set({ sessionEndedAt: p.sessionLastActivityAt ?? now, isReadonly: true, updatedAt: now })
    .where(eq(playlists.id, playlistId))
    .run();
  appendEvent(ex, 'session:finalized', { playlistId }, now);
  return true;
}

const sessionName = (at: number) =>
  `Session ${new Date(at).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })}`;

/**
 * A track was played (loaded on a deck, or logged through the API): play count and last played,
 * and an entry in the active DJ session, which starts here if none is active or the last one has
 * been idle longer than `inactivityHours` (that one is finalised first).
 */
export function recordPlay(ex: Executor, trackId: string, now: number, opts: { inactivityHours: number; durationMs?: number | null }) {
  const updated = ex
    .update(tracks)
    .set({ playCount: sql`${tracks.playCount} + 1`, lastPlayedAt: now })
    .where(eq(tracks.id, trackId))
    .returning({ id: tracks.id })
    .get();
  if (!updated) return undefined;
  let session = activeSession(ex);
  if (session && now - (session.sessionLastActivityAt ?? session.sessionStartedAt ?? now) > opts.inactivityHours * HOUR) {
    finalizeSession(ex, session.id, now);
    session = undefined;
  }
  let started = false;
  if (!session) {
    session = ex
      .insert(playlists)
      .values({ id: crypto.randomUUID(), name: sessionName(now), type: 'session', sessionStartedAt: now, sessionLastActivityAt: now, createdAt: now, updatedAt: now })
      .returning()
      .get();
    started = true;
    appendEvent(ex, 'session:started', { playlistId: session.id }, now);
  }
  const position = ex.get<{ n: number }>(sql`SELECT coalesce(max(position) + 1, 0) AS n FROM playlist_tracks WHERE playlist_id = ${session.id}`).n;
  const entry = ex
    .insert(playlistTracks)
    .values({
      playlistId: session.id,
      trackId,
      position,
      addedAt: now,
      playedAt: now,
      playDurationMs: opts.durationMs ?? null,
    })
    .returning({ id: playlistTracks.id })
    .get();
  ex.update(playlists).set({ sessionLastActivityAt: now, updatedAt: now }).where(eq(playlists.id, session.id)).run();
  appendEvent(ex, 'session:track:played', { playlistId: session.id, trackId }, now);
  return { sessionId: session.id, entryId: entry.id, started };
}

/** How long a logged play lasted, once known (the next track on that deck, or an unload). */
export function setPlayDuration(ex: Executor, entryId: number, now: number) {
  ex.update(playlistTracks)
    .set({ playDurationMs: sql`max(0, ${now} - ${playlistTracks.playedAt})` })
    .where(and(eq(playlistTracks.id, entryId), isNull(playlistTracks.playDurationMs)))
    .run();
}

/** Sessions idle longer than `hours` are finalised (the worker runs this every few minutes). */
export function finalizeIdleSessions(ex: Executor, now: number, hours: number): string[] {
  const idle = ex
    .select({ id: playlists.id })
    .from(playlists)
    .where(
      and(
        eq(playlists.type, 'session'),
        isNull(playlists.sessionEndedAt),
        sql`coalesce(${playlists.sessionLastActivityAt}, ${playlists.sessionStartedAt}) < ${now - hours * HOUR}`,
      ),
    )
    .all();
  for (const s of idle) finalizeSession(ex, s.id, now);
  return idle.map((s) => s.id);
}

/**
 * Splits a session in two before an entry (a gig that was really two sets): the entries from
 * there on become a new session that carries on where the old one stood (still logging, or
 * finalised); the first part is finalised at its last play.
 */
export function splitSession(ex: Executor, playlistId: string, entryId: number, now: number) {
  const p = ex.select().from(playlists).where(eq(playlists.id, playlistId)).get();
  if (!p) throw new NotFoundError('playlist', playlistId);
  if (p.type !== 'session') throw new InvalidError(`"${p.name}" is not a DJ session`);
  const at = ex
    .select()
    .from(playlistTracks)
    .where(and(eq(playlistTracks.id, entryId), eq(playlistTracks.playlistId, playlistId)))
    .get();
  if (!at) throw new NotFoundError('session entry', entryId);
  if (at.position === 0) throw new InvalidError('Split before a later track: the first one already starts the session');
  const second = ex
    .insert(playlists)
    .values({
      id: crypto.randomUUID(),
      name: `${p.name} (2)`,
      type: 'session',
      sessionVenue: p.sessionVenue,
      sessionStartedAt: at.playedAt ?? at.addedAt,
      sessionLastActivityAt: p.sessionLastActivityAt,
      sessionEndedAt: p.sessionEndedAt,
      isReadonly: p.isReadonly,
      sortOrder: p.sortOrder,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  ex.run(sql`UPDATE playlist_tracks SET playlist_id = ${second.id}, position = position - ${at.position} WHERE playlist_id = ${playlistId} AND position >= ${at.position}`);
  const last = ex.get<{ t: number | null }>(sql`SELECT max(coalesce(played_at, added_at)) AS t FROM playlist_tracks WHERE playlist_id = ${playlistId}`).t;
  ex.update(playlists)
    .set({ sessionEndedAt: last ?? p.sessionStartedAt, sessionLastActivityAt: last, isReadonly: true, updatedAt: now })
    .where(eq(playlists.id, playlistId))
    .run();
  appendEvent(ex, 'playlist:created', { playlistId: second.id }, now);
  appendEvent(ex, 'playlist:updated', { playlistId }, now);
  if (!p.sessionEndedAt) appendEvent(ex, 'session:finalized', { playlistId }, now);
  return second;
}
