import { z } from 'zod';
import type { AppContext } from '../context';
import { playlistEntries } from '../playlists/queries';
import { featuresOf, scoreSettings } from './next-up';
import { scorePair } from './score';

export const PairsInput = z.object({ playlistId: z.string().min(1).max(100), keyLock: z.boolean().default(true) });

/** Below this a transition is marked red, below GOOD amber; the rest green. */
export const PAIR_BAD = 0.45;
export const PAIR_GOOD = 0.7;

/** Green, amber or red for a transition score. */
export const markOf = (score: number): 'good' | 'fair' | 'poor' => (score >= PAIR_GOOD ? 'good' : score >= PAIR_BAD ? 'fair' : 'poor');

/**
 * For each entry after the first: how well it follows the one before (score, green/amber/red and
 * the reasons). Placeholders and entries next to one have no mark.
 */
export function playlistPairs(ctx: AppContext, raw: z.input<typeof PairsInput>) {
  const input = PairsInput.parse(raw);
  const entries = playlistEntries(ctx.db, input.playlistId);
  const o = { ...scoreSettings(ctx), halfDouble: true, keyLock: input.keyLock, direction: 'any' as const, now: ctx.clock.now() };
  return entries.slice(1).flatMap((e, i) => {
    const prev = entries[i]!;
    if (!e.track || !prev.track) return [];
    const s = scorePair(featuresOf(prev.track), featuresOf(e.track), o);
    return [{ entryId: e.entryId, score: s.total, mark: markOf(s.total), chips: s.chips }];
  });
}
