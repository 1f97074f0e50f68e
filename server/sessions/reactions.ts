import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { playlists, playlistTracks, playReactions, REACTIONS } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor } from '../db/client';
import { writeTx } from '../db/tx';
import { NotFoundError, PreconditionError } from '../errors';
import { appendEvent } from '../events/outbox';

export const ReactInput = z.object({ entryId: z.number().int(), reaction: z.enum(REACTIONS).nullable() });

/**
 * Marks how a play of a DJ session went (😀 good, 💃 floor filler, 😡 cleared the floor), replacing
 * the mark it had; null takes it away. Only entries of session playlists are plays.
 */
export function react(ctx: AppContext, raw: z.input<typeof ReactInput>) {
  const input = ReactInput.parse(raw);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const e = tx.select().from(playlistTracks).where(eq(playlistTracks.id, input.entryId)).get();
    if (!e) throw new NotFoundError('playlist entry', input.entryId);
    const p = tx.select().from(playlists).where(eq(playlists.id, e.playlistId)).get()!;
    if (p.type !== 'session') throw new PreconditionError(`Reactions are marked on plays of a DJ session; “${p.name}” is not one`);
    if (input.reaction === null) tx.delete(playReactions).where(eq(playReactions.entryId, e.id)).run();
    else
      tx.insert(playReactions)
        .values({ entryId: e.id, trackId: e.trackId, reaction: input.reaction, reactedAt: now })
        .onConflictDoUpdate({ target: playReactions.entryId, set: { reaction: input.reaction, reactedAt: now } })
        .run();
    appendEvent(tx, 'playlist:updated', { playlistId: p.id }, now);
    return { entryId: e.id, reaction: input.reaction };
  });
}

/** Each entry's reaction, for these entries. */
export function reactionsOf(ex: Executor, entryIds: number[]): Map<number, (typeof REACTIONS)[number]> {
  if (!entryIds.length) return new Map();
  const rows = ex.all<{ entryId: number; reaction: (typeof REACTIONS)[number] }>(
    sql`SELECT entry_id AS entryId, reaction FROM play_reactions WHERE entry_id IN (SELECT value FROM json_each(${JSON.stringify(entryIds)}))`,
  );
  return new Map(rows.map((r) => [r.entryId, r.reaction]));
}

/** Floor fillers and floor clearers per track, over every session, for these tracks. */
export function crowdOf(ex: Executor, trackIds: string[]): Map<string, { fills: number; clears: number }> {
  if (!trackIds.length) return new Map();
  const rows = ex.all<{ trackId: string; fills: number; clears: number }>(
    sql`SELECT track_id AS trackId, sum(reaction = 'filler') AS fills, sum(reaction = 'cleared') AS clears FROM play_reactions
        WHERE track_id IN (SELECT value FROM json_each(${JSON.stringify(trackIds)})) GROUP BY track_id`,
  );
  return new Map(rows.map((r) => [r.trackId, { fills: r.fills, clears: r.clears }]));
}
