import { describe, expect, it } from 'vitest';
import { parseKey } from '../music/keys';
import { arrangeSet, shapeTarget, type ArrangeOptions } from './arrange';
import { DEFAULT_WEIGHTS, pairTotal, type TrackFeatures } from './score';

const t = (id: string, bpm: number, key: string, energy: number): TrackFeatures => ({
  id,
  bpm,
  key: parseKey(key),
  energy,
  genre: null,
  label: null,
  artist: null,
  lastPlayedAt: null,
});
const base: Omit<ArrangeOptions, 'startId'> = { weights: DEFAULT_WEIGHTS, tempoRangePct: 4, halfDouble: true, keyLock: true, now: 0, shape: 'none' };

/** Every order with the first (and last) fixed: the true best, for small sets. */
function bruteBest(tracks: TrackFeatures[], o: ArrangeOptions) {
  const cost = (order: TrackFeatures[]) => order.slice(1).reduce((c, x, i) => c + 1 - pairTotal(order[i]!, x, { ...o, direction: 'any' }), 0);
  const first = tracks.find((x) => x.id === o.startId)!;
  const last = o.endId ? tracks.find((x) => x.id === o.endId)! : null;
  const middle = tracks.filter((x) => x !== first && x !== last);
  let best = Infinity;
  const perm = (rest: TrackFeatures[], acc: TrackFeatures[]) => {
    if (!rest.length) return void (best = Math.min(best, cost([first, ...acc, ...(last ? [last] : [])])));
    rest.forEach((x, i) => perm([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]));
  };
  perm(middle, []);
  return best;
}

// a ladder round the Camelot wheel and up in tempo, shuffled
const ladder = [t('a', 120, '8A', 5), t('b', 121, '9A', 5), t('c', 122, '10A', 6), t('d', 123, '11A', 6), t('e', 124, '12A', 7), t('f', 125, '1A', 7), t('g', 126, '2A', 8)];
const shuffled = [ladder[3]!, ladder[6]!, ladder[0]!, ladder[5]!, ladder[1]!, ladder[4]!, ladder[2]!];

describe('arranging a set', () => {
  it('finds the known best order of a shuffled ladder (each step one round the wheel and +1 BPM)', () => {
    const r = arrangeSet(shuffled, { ...base, startId: 'a' });
    expect(r.order).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(r.cost).toBeCloseTo(bruteBest(shuffled, { ...base, startId: 'a' }), 6);
    expect(r.cost).toBeLessThan(r.inputCost);
  });

  it('matches the brute-force best on small random crates, with a fixed end too', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const keys = ['1A', '2A', '3A', '4A', '5A', '6A', '7A', '8A', '9A', '10A', '11A', '12A', '1B', '5B', '8B'];
    for (let round = 0; round < 6; round++) {
      const crate = Array.from({ length: 7 }, (_, i) => t(`t${i}`, 118 + Math.floor(rnd() * 14), keys[Math.floor(rnd() * keys.length)]!, 1 + Math.floor(rnd() * 10)));
      const o = { ...base, startId: 't0', endId: round % 2 ? 't6' : null };
      const r = arrangeSet(crate, o);
      expect(r.order[0]).toBe('t0');
      if (o.endId) expect(r.order.at(-1)).toBe('t6');
      expect(new Set(r.order).size).toBe(7);
      expect(r.cost).toBeLessThanOrEqual(bruteBest(crate, o) * 1.05 + 1e-9);
      expect(r.cost).toBeLessThanOrEqual(r.nearestNeighbourCost + 1e-9);
    }
  });

  it('follows the energy shape: a warm-up rises, a cool-down falls', () => {
    // same tempo and key throughout: only the shape decides; the first track sits where the shape starts
    const crate = (first: number) => [t('s', 124, '8A', first), ...[9, 3, 7, 2, 8, 4, 6, 5].map((e) => t(`e${e}`, 124, '8A', e))];
    const energies = (shape: ArrangeOptions['shape'], first: number) => {
      const c = crate(first);
      return arrangeSet(c, { ...base, startId: 's', shape, shapeWeight: 3 })
        .order.slice(1)
        .map((id) => c.find((x) => x.id === id)!.energy!);
    };
    const up = energies('warm-up', 1);
    const down = energies('cool-down', 10);
    expect(up).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(down).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(shapeTarget('peak', 0.6)).toBe(1);
    expect(shapeTarget('wave', 0.25)).toBeCloseTo(1);
  });

  it('is deterministic, and refuses a start or end that is not in the crate', () => {
    const a = arrangeSet(shuffled, { ...base, startId: 'd', shape: 'peak' });
    const b = arrangeSet(shuffled, { ...base, startId: 'd', shape: 'peak' });
    expect(a).toEqual(b);
    expect(() => arrangeSet(shuffled, { ...base, startId: 'zz' })).toThrow(/not among/);
    expect(() => arrangeSet(shuffled, { ...base, startId: 'a', endId: 'a' })).toThrow(/same/);
  });
});
