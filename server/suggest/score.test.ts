import { describe, expect, it } from 'vitest';
import { parseKey, type MusicalKey } from '../music/keys';
import { DEFAULT_WEIGHTS, KEY_RELATIONS, keyRelation, scorePair, tempoRatio, type ScoreOptions, type TrackFeatures } from './score';

const k = (s: string) => parseKey(s)!;
const track = (over: Partial<TrackFeatures>): TrackFeatures => ({
  id: 'x',
  bpm: 124,
  key: k('8A'),
  energy: 6,
  genre: 'House',
  label: null,
  artist: null,
  lastPlayedAt: null,
  ...over,
});
const opts = (over: Partial<ScoreOptions> = {}): ScoreOptions => ({
  weights: DEFAULT_WEIGHTS,
  tempoRangePct: 4,
  halfDouble: true,
  keyLock: true,
  direction: 'any',
  now: 1e12,
  ...over,
});

describe('key relations on the Camelot wheel', () => {
  const table: [string, string, keyof typeof KEY_RELATIONS][] = [
    ['8A', '8A', 'same'],
    ['8A', '9A', 'adjacent'],
    ['8A', '7A', 'adjacent'],
    ['12B', '1B', 'adjacent'],
    ['8A', '8B', 'relative'],
    ['8B', '8A', 'relative'],
    ['8A', '9B', 'diagonal'],
    ['8A', '7B', 'diagonal'],
    ['8A', '10A', 'two-steps'],
    ['8A', '6A', 'two-steps'],
    ['8A', '3A', 'semitone-up'],
    ['8A', '1A', 'semitone-down'],
    ['8A', '2A', 'clash'],
    ['8A', '11B', 'clash'],
  ];
  it.each(table)('%s → %s is %s', (a, b, rel) => {
    expect(keyRelation(k(a), k(b))).toBe(rel);
  });

  it('ranks the relations the way DJs mix: same ≥ adjacent ≥ relative > diagonal > semitone up > two steps > clash', () => {
    const order = ['same', 'adjacent', 'relative', 'diagonal', 'semitone-up', 'two-steps', 'semitone-down', 'clash'] as const;
    const scores = order.map((r) => KEY_RELATIONS[r].score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('+7 on the wheel is one semitone up in pitch (A minor → B♭ minor)', () => {
    const am: MusicalKey = { pitch: 9, mode: 0 };
    expect(keyRelation(am, { pitch: 10, mode: 0 })).toBe('semitone-up');
  });
});

describe('tempo', () => {
  it('folds half and double tempo when allowed, not otherwise', () => {
    expect(tempoRatio(140, 70, true)).toBeCloseTo(1);
    expect(tempoRatio(140, 70, false)).toBeCloseTo(2);
    expect(tempoRatio(87, 174, true)).toBeCloseTo(1);
  });

  it('falls off smoothly with the tempo change, and says how much the next track must move', () => {
    const from = track({ bpm: 124 });
    const near = scorePair(from, track({ bpm: 124 }), opts());
    const two = scorePair(from, track({ bpm: 121.2 }), opts());
    const far = scorePair(from, track({ bpm: 112 }), opts());
    expect(near.parts.tempo).toBe(1);
    expect(two.parts.tempo).toBeGreaterThan(far.parts.tempo);
    expect(two.chips).toContain('+2.3 % tempo');
    expect(far.parts.tempo).toBeLessThan(0.1);
  });

  it('a half-time track after a 140 BPM one is on tempo with half/double, far off without', () => {
    const from = track({ bpm: 140 });
    expect(scorePair(from, track({ bpm: 70 }), opts()).parts.tempo).toBeCloseTo(1);
    expect(scorePair(from, track({ bpm: 70 }), opts()).chips).toContain('half time');
    expect(scorePair(from, track({ bpm: 70 }), opts({ halfDouble: false })).parts.tempo).toBeLessThan(0.01);
  });
});

describe('pitch shift with key lock off', () => {
  it('matching tempo moves the next key: B♭ minor (3A) slowed 6 % to 120 BPM is heard as A minor (8A)', () => {
    const from = track({ bpm: 120, key: k('8A') });
    const to = track({ bpm: 127.2, key: k('3A') });
    const locked = scorePair(from, to, opts({ keyLock: true }));
    const free = scorePair(from, to, opts({ keyLock: false }));
    expect(locked.relation).toBe('semitone-up');
    expect(free.relation).toBe('same');
    expect(free.chips.some((c) => c.startsWith('8A → 8A (3A shifted -1)'))).toBe(true);
    expect(free.parts.key).toBeGreaterThan(locked.parts.key);
  });

  it('a small tempo change (under half a semitone) leaves the key as it is', () => {
    const r = scorePair(track({ bpm: 124 }), track({ bpm: 122, key: k('9A') }), opts({ keyLock: false }));
    expect(r.relation).toBe('adjacent');
  });
});

describe('energy, affinity, recency and the crowd', () => {
  it('rewards the step in the asked direction', () => {
    const from = track({ energy: 6 });
    const up = scorePair(from, track({ energy: 7 }), opts({ direction: 'up' }));
    const down = scorePair(from, track({ energy: 5 }), opts({ direction: 'up' }));
    expect(up.parts.energy).toBeGreaterThan(down.parts.energy);
    expect(scorePair(from, track({ energy: 5 }), opts({ direction: 'down' })).parts.energy).toBe(1);
    expect(up.chips).toContain('energy 6 → 7');
  });

  it('names shared genre and label, a recent play and the crowd', () => {
    const now = 1e12;
    const r = scorePair(track({ label: 'Kompakt' }), track({ label: 'kompakt', lastPlayedAt: now - 2 * 3_600_000, fills: 3 }), opts({ now }));
    expect(r.chips).toEqual(expect.arrayContaining(['same genre', 'same label', 'played 2 h ago', 'filled the floor 3 times']));
    expect(r.parts.recency).toBeLessThan(1);
    expect(r.parts.crowd).toBeGreaterThan(0.5);
    expect(scorePair(track({}), track({ clears: 2 }), opts()).parts.crowd).toBe(0);
  });

  it('the total is the weighted mean of the parts, and a weight of zero leaves a part out', () => {
    const r = scorePair(track({}), track({ key: k('2A') }), opts());
    const w = DEFAULT_WEIGHTS;
    const mean =
      (w.key * r.parts.key + w.tempo * r.parts.tempo + w.energy * r.parts.energy + w.affinity * r.parts.affinity + w.recency * r.parts.recency + w.crowd * r.parts.crowd) /
      (w.key + w.tempo + w.energy + w.affinity + w.recency + w.crowd);
    expect(r.total).toBeCloseTo(mean);
    const noKey = scorePair(track({}), track({ key: k('2A') }), opts({ weights: { ...w, key: 0 } }));
    expect(noKey.total).toBeGreaterThan(r.total);
  });
});
