import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { tracks, type Track } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';

/** Why a track's file is not there, as the schema knows it. */
export type MissingReason = NonNullable<Track['missingReason']>;

/** Which tracks: by id, or every track of a folder (only those present, or all of them). */
export type MissingTarget = { trackIds: string[] } | { directoryId: string; presentOnly: boolean };

/** Track ids named in one event at most; the event always carries the count. */
const EVENT_IDS = 1_000;

/**
 * The one way a track becomes missing (the scan, an unplugged drive and a removed folder all use
 * it). The rules:
 * - `missingSince` is when the file was first found gone: a track already missing keeps its date
 *   whatever the new reason (the cleanup of old missing tracks counts from it);
 * - the reason is the latest one: a folder removed from the library is why its tracks are missing
 *   now, even those deleted before;
 * - `formerPathIn`: the folder row goes away, so each track keeps its full old path (`formerPath`)
 *   for relocating it later.
 * One `track:missing` event with the count (and up to 1,000 ids; `directoryId` names the folder
 * for tracks given by id). Returns how many tracks changed.
 */
export function markMissingTx(tx: Executor, target: MissingTarget, reason: MissingReason, now: number, opts: { formerPathIn?: string; directoryId?: string } = {}): number {
  let where: SQL | undefined;
  let ids: string[];
  if ('trackIds' in target) {
    if (target.trackIds.length === 0) return 0;
    ids = target.trackIds;
    where = inArray(tracks.id, ids);
  } else {
    where = target.presentOnly ? and(eq(tracks.directoryId, target.directoryId), eq(tracks.isMissing, false)) : eq(tracks.directoryId, target.directoryId);
    ids = tx
      .select({ id: tracks.id })
      .from(tracks)
      .where(where)
      .limit(EVENT_IDS)
      .all()
      .map((r) => r.id);
  }
  const n = tx
    .update(tracks)
    .set({
      isMissing: true,
      missingReason: reason,
      missingSince: sql`coalesce(${tracks.missingSince}, ${now})`,
      ...(opts.formerPathIn !== undefined ? { formerPath: sql`${opts.formerPathIn} || '/' || ${tracks.relPath}` } : {}),
      updatedAt: now,
    })
    .where(where)
    .run().changes;
  if (n)
    appendEvent(
      tx,
      'track:missing',
      { trackIds: ids.slice(0, EVENT_IDS), count: n, reason, directoryId: 'directoryId' in target ? target.directoryId : (opts.directoryId ?? null) },
      now,
    );
  return n;
}
