import crypto from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { hotCues, tracks, type HotCue } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError, InvalidError } from '../errors';
import { appendEvent } from '../events/outbox';
import type { EngineHotCue } from '../engine/protocol';

/** Which source's cue the engine gets at an index: the DJ's own first, then imports (Part B §3.7). */
export const CUE_SOURCE_ORDER = ['user', 'rekordbox', 'serato', 'mixedInKey', 'virtual dj'] as const;
const rank = (source: string) => {
  const i = (CUE_SOURCE_ORDER as readonly string[]).indexOf(source);
  return i < 0 ? CUE_SOURCE_ORDER.length : i;
};

export const CueIndex = z.number().int().min(0).max(7);
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #RRGGBB');
export const CueEdit = z.object({
  trackId: z.string().uuid(),
  index: CueIndex,
  positionSec: z.number().finite().min(0).max(86_400).optional(),
  name: z.string().trim().max(100).nullable().optional(),
  color: Colour.nullable().optional(),
  isLoop: z.boolean().optional(),
  loopEndSec: z.number().finite().min(0).max(86_400).nullable().optional(),
});
export type CueEdit = z.infer<typeof CueEdit>;

export function listCues(ex: Executor, trackId: string): HotCue[] {
  return ex.select().from(hotCues).where(eq(hotCues.trackId, trackId)).orderBy(asc(hotCues.cueIndex), asc(hotCues.source)).all();
}

/** The cue that counts at each index (the DJ's own first, then by source), in index order. */
export function effectiveCues(ex: Executor, trackId: string): HotCue[] {
  const best = new Map<number, HotCue>();
  for (const c of listCues(ex, trackId)) {
    const have = best.get(c.cueIndex);
    if (!have || rank(c.source) < rank(have.source)) best.set(c.cueIndex, c);
  }
  return [...best.values()].sort((a, b) => a.cueIndex - b.cueIndex);
}

/** What the engine gets: `{index, position, isLoop, loopEnd?}`, loopEnd left out when empty. */
export function engineCues(ex: Executor, trackId: string): EngineHotCue[] {
  return effectiveCues(ex, trackId).map((c) => ({ index: c.cueIndex, position: c.positionSec, isLoop: c.isLoop, ...(c.loopEndSec ? { loopEnd: c.loopEndSec } : {}) }));
}

const userCue = (ex: Executor, trackId: string, index: number) =>
  ex
    .select()
    .from(hotCues)
    .where(and(eq(hotCues.trackId, trackId), eq(hotCues.cueIndex, index), eq(hotCues.source, 'user')))
    .get();

/**
 * Sets or edits the DJ's cue at an index (creating it from the imported cue there, if any, so a
 * rename keeps its position). Fields left out keep their value; a loop needs an end after its start.
 */
export function setUserCue(ex: Executor, edit: CueEdit, now: number, origin: 'ui' | 'engine' = 'ui'): HotCue {
  const e = CueEdit.parse(edit);
  if (!ex.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, e.trackId)).get()) throw new NotFoundError('track', e.trackId);
  const existing = userCue(ex, e.trackId, e.index);
  const base = existing ?? effectiveCues(ex, e.trackId).find((c) => c.cueIndex === e.index);
  const positionSec = e.positionSec ?? base?.positionSec;
  if (positionSec === undefined) throw new InvalidError(`Cue ${e.index + 1} does not exist yet: give it a position`);
  const isLoop = e.isLoop ?? base?.isLoop ?? false;
  let loopEndSec = e.loopEndSec !== undefined ? e.loopEndSec : (base?.loopEndSec ?? null);
  if (isLoop && (loopEndSec === null || loopEndSec <= positionSec)) {
    if (origin === 'engine')
      loopEndSec = null; // the engine moved the cue past its loop: a plain cue now
    else throw new InvalidError('A loop needs an end after its start');
  }
  const row = {
    positionSec,
    name: e.name !== undefined ? e.name || null : (base?.name ?? null),
    color: e.color !== undefined ? e.color : (base?.color ?? null),
    isLoop: isLoop && loopEndSec !== null,
    loopEndSec: isLoop && loopEndSec !== null ? loopEndSec : null,
    updatedAt: now,
  };
  const saved = existing
    ? ex.update(hotCues).set(row).where(eq(hotCues.id, existing.id)).returning().get()
    : ex
        .insert(hotCues)
        .values({ id: crypto.randomUUID(), trackId: e.trackId, cueIndex: e.index, source: 'user', createdAt: now, ...row })
        .returning()
        .get();
  appendEvent(ex, 'hot_cue:updated', { trackId: e.trackId, origin }, now);
  return saved;
}

/** Removes the DJ's cue at an index (imported cues stay). Returns whether there was one. */
export function removeUserCue(ex: Executor, trackId: string, index: number, now: number, origin: 'ui' | 'engine' = 'ui'): boolean {
  const gone = ex
    .delete(hotCues)
    .where(and(eq(hotCues.trackId, trackId), eq(hotCues.cueIndex, index), eq(hotCues.source, 'user')))
    .returning({ id: hotCues.id })
    .all();
  if (gone.length) appendEvent(ex, 'hot_cue:updated', { trackId, origin }, now);
  return gone.length > 0;
}
