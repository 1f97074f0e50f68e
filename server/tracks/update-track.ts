import { eq } from 'drizzle-orm';
import { tracks, type Track } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { NotFoundError } from '../errors';
import { parseKey } from '../music/keys';
import { analysisLookup, effectiveColumns } from './effective-values';
import { UpdateTrackInput } from './schemas';
import { trackById } from './queries';

/** Tag fields: edits to these are remembered, so later scans keep the user's value. */
export const TAG_FIELDS = [
  'title',
  'artist',
  'album',
  'albumArtist',
  'genre',
  'year',
  'trackNumber',
  'discNumber',
  'comment',
  'label',
  'composer',
  'remixer',
  'grouping',
  'isrc',
] as const;

/**
 * Edits a track's tags (in the library, not in the file) and user fields: rating, colour, energy,
 * and BPM/key/grid corrections that win over analysis (and reach a deck that has the track loaded). Returns the track as it is now, so a client can
 * undo by sending the previous values back. Emits `track:updated`.
 */
export function updateTrack(ctx: AppContext, raw: UpdateTrackInput) {
  const { id, bpm, key, beatOffset, ...rest } = UpdateTrackInput.parse(raw);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const before = tx.select().from(tracks).where(eq(tracks.id, id)).get();
    if (!before) throw new NotFoundError('track', id);
    const set: Partial<Track> = { ...rest, updatedAt: now };
    for (const k of TAG_FIELDS) if (typeof set[k] === 'string') (set as Record<string, unknown>)[k] = set[k].normalize('NFC') || null;
    const edited = new Set(before.editedFields);
    for (const k of TAG_FIELDS) if (k in rest) edited.add(k);
    // an energy level set by hand is kept when analysis ranks the library again
    if ('energyLevel' in rest) edited.add('energyLevel');
    set.editedFields = [...edited];
    if (bpm !== undefined) set.bpmOverride = bpm;
    if (beatOffset !== undefined) set.beatOffsetOverride = beatOffset === null ? null : Math.round(beatOffset * 10000) / 10000;
    if (key !== undefined) {
      const k = key === null ? null : parseKey(key);
      set.keyPitchOverride = k?.pitch ?? null;
      set.keyModeOverride = k?.mode ?? null;
    }
    if (bpm !== undefined || key !== undefined) {
      const merged = { ...before, ...set };
      Object.assign(set, effectiveColumns(analysisLookup(tx), merged, { bpm: merged.bpmOverride, keyPitch: merged.keyPitchOverride, keyMode: merged.keyModeOverride }));
    }
    tx.update(tracks).set(set).where(eq(tracks.id, id)).run();
    appendEvent(
      tx,
      'track:updated',
      { trackIds: [id], fields: Object.keys(rest).concat(bpm !== undefined ? ['bpm'] : [], key !== undefined ? ['key'] : [], beatOffset !== undefined ? ['beatOffset'] : []) },
      now,
    );
    return trackById(tx, id);
  });
}
