import { z } from 'zod';
import type { AppContext } from '../context';
import { compatibleKeys, type MusicalKey } from '../music/keys';
import { crowdOf } from '../sessions/reactions';
import { keySortOf } from '../tracks/filters';
import { trackRowById, tracksByIds, type TrackRow } from '../tracks/track-rows';
import { pairTotal, scorePair, shiftKey, type PairScore, type ScoreOptions, type TrackFeatures, type Weights } from './score';

export const SuggestNextInput = z.object({
  trackId: z.string().min(1).max(100),
  limit: z.number().int().min(1).max(100).default(20),
  /** Only tracks of this playlist (a crate). */
  playlistId: z.string().min(1).max(100).optional(),
  direction: z.enum(['up', 'same', 'down', 'any']).default('any'),
  /** any: every key; compatible: keys that mix (same, ±1, relative, diagonal, semitone up) after any pitch shift. */
  keys: z.enum(['any', 'compatible']).default('any'),
  /** The widest tempo change looked at, %. */
  bpmRangePercent: z.number().min(1).max(30).default(8),
  halfDouble: z.boolean().default(true),
  keyLock: z.boolean().default(true),
});
export type SuggestNextInput = z.input<typeof SuggestNextInput>;

export interface Suggestion extends Omit<PairScore, 'relation'> {
  track: TrackRow;
}

/** At most this many tracks are scored per request: the nearest in tempo inside the band. */
const CANDIDATES = 3_000;

/** The weights and falloff from the settings. */
export function scoreSettings(ctx: AppContext): { weights: Weights; tempoRangePct: number } {
  const s = ctx.settings;
  return {
    weights: {
      key: s.get('suggest.keyWeight'),
      tempo: s.get('suggest.tempoWeight'),
      energy: s.get('suggest.energyWeight'),
      affinity: s.get('suggest.affinityWeight'),
      recency: s.get('suggest.recencyWeight'),
      crowd: s.get('suggest.crowdWeight'),
    },
    tempoRangePct: s.get('suggest.tempoRangePercent'),
  };
}

export const featuresOf = (t: TrackRow): TrackFeatures => ({
  id: t.id,
  bpm: t.bpm,
  key: t.keyPitch !== null && t.keyMode !== null ? { pitch: t.keyPitch, mode: t.keyMode as 0 | 1 } : null,
  energy: t.energyLevel,
  genre: t.genre,
  label: t.label,
  artist: t.artist,
  lastPlayedAt: t.lastPlayedAt,
});

/** Keys (as key_sort) that can mix after `k` once a track is pitched by up to ±`shift` semitones. */
function mixableKeySorts(k: MusicalKey, shift: number): number[] {
  const semitoneUp = shiftKey(k, 1);
  const good = [...compatibleKeys(k), semitoneUp, { pitch: k.pitch, mode: (1 - k.mode) as 0 | 1 }];
  const out = new Set<number>();
  for (const g of good) for (let s = -shift; s <= shift; s++) out.add(keySortOf(shiftKey(g, -s)));
  return [...out];
}

/**
 * The tracks that fit after one, best first, each with its score, parts and reasons (issue 21).
 * The candidates come from the indexes, not the whole library: a tempo band around the track (and
 * its half and double), optionally compatible keys and one playlist; tracks already played in the
 * DJ session now logging are left out.
 */
export function suggestNext(ctx: AppContext, raw: SuggestNextInput): { from: TrackRow; items: Suggestion[] } {
  const input = SuggestNextInput.parse(raw);
  const db = ctx.db;
  const from = trackRowById(db, input.trackId);
  const f = featuresOf(from);
  const band = input.bpmRangePercent / 100;
  const shift = input.keyLock ? 0 : Math.ceil(Math.abs(12 * Math.log2(1 + band)));
  const keySorts = input.keys === 'compatible' && f.key ? mixableKeySorts(f.key, shift) : null;
  // a light projection to rank every candidate; whole rows and the words for the best ones only
  const light = lightCandidates(ctx, input, from.id, f.bpm, keySorts);
  const o: ScoreOptions = { ...scoreSettings(ctx), halfDouble: input.halfDouble, keyLock: input.keyLock, direction: input.direction, now: ctx.clock.now() };
  const crowd = crowdOf(
    db,
    light.map((r) => r[0]),
  );
  const ranked = light.map((r) => ({ id: r[0], seq: r[9], total: pairTotal(f, { ...lightFeatures(r), ...crowd.get(r[0]) }, o) }));
  ranked.sort((a, b) => b.total - a.total || a.seq - b.seq);
  const best = ranked.slice(0, input.limit).map((r) => r.id);
  const items = tracksByIds(db, best).map((track) => {
    const { relation: _r, ...score } = scorePair(f, { ...featuresOf(track), ...crowd.get(track.id) }, o);
    return { track, ...score };
  });
  return { from, items };
}

/**
 * The candidates, light: for each tempo band (the track's, and its half and double), the tracks
 * nearest in tempo walking the BPM index up and down from the centre — no sort, and the walk stops
 * after enough rows however dense the band (sorting a whole dense band by distance took 100 ms at
 * 100,000 tracks). Gone, broken and already-played-this-session tracks are skipped on the way.
 */
function lightCandidates(ctx: AppContext, input: z.output<typeof SuggestNextInput>, fromId: string, bpm: number | null, keySorts: number[] | null): LightRow[] {
  const filters = `t.id <> ? AND t.is_missing = 0 AND t.is_broken = 0
      ${keySorts ? 'AND t.key_sort IN (SELECT value FROM json_each(?))' : ''}
      ${input.playlistId ? 'AND t.id IN (SELECT track_id FROM playlist_tracks WHERE playlist_id = ?)' : ''}
      AND t.id NOT IN (SELECT pt.track_id FROM playlist_tracks pt JOIN playlists p ON p.id = pt.playlist_id
                       WHERE p.type = 'session' AND p.session_ended_at IS NULL AND pt.track_id IS NOT NULL)`;
  const params = [fromId, ...(keySorts ? [JSON.stringify(keySorts)] : []), ...(input.playlistId ? [input.playlistId] : [])];
  const cols = 't.id, t.bpm, t.key_pitch, t.key_mode, t.energy_level, t.genre, t.label, t.artist, t.last_played_at, t.seq';
  const db = ctx.db.$client;
  if (!bpm)
    return db
      .prepare(`SELECT ${cols} FROM tracks t WHERE ${filters} ORDER BY t.seq LIMIT ${CANDIDATES}`)
      .raw()
      .all(...params) as LightRow[];
  const band = input.bpmRangePercent / 100;
  const up = db.prepare(`SELECT ${cols} FROM tracks t WHERE t.bpm >= ? AND t.bpm <= ? AND ${filters} ORDER BY t.bpm LIMIT ?`).raw();
  const down = db.prepare(`SELECT ${cols} FROM tracks t WHERE t.bpm >= ? AND t.bpm < ? AND ${filters} ORDER BY t.bpm DESC LIMIT ?`).raw();
  const seen = new Set<string>();
  const out: LightRow[] = [];
  for (const [m, share] of [
    [1, 0.6],
    ...(input.halfDouble
      ? [
          [0.5, 0.2],
          [2, 0.2],
        ]
      : []),
  ] as [number, number][]) {
    const c = bpm * m;
    const k = Math.ceil((CANDIDATES * share) / 2);
    for (const r of [...(up.all(c, c * (1 + band), ...params, k) as LightRow[]), ...(down.all(c * (1 - band), c, ...params, k) as LightRow[])])
      if (!seen.has(r[0])) {
        seen.add(r[0]);
        out.push(r);
      }
  }
  return out;
}

type LightRow = [string, number | null, number | null, number | null, number | null, string | null, string | null, string | null, number | null, number];

const lightFeatures = (r: LightRow): TrackFeatures => ({
  id: r[0],
  bpm: r[1],
  key: r[2] !== null && r[3] !== null ? { pitch: r[2], mode: r[3] as 0 | 1 } : null,
  energy: r[4],
  genre: r[5],
  label: r[6],
  artist: r[7],
  lastPlayedAt: r[8],
});
