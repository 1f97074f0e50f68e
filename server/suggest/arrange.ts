import { pairTotal, type ScoreOptions, type TrackFeatures } from './score';

/**
 * Orders a crate into a set (issue 21): an open path from a fixed first track (and, if given, a
 * fixed last one) through every other, minimising the sum of directed transition costs (1 − pair
 * score; asymmetric, because energy and tempo steps are) plus how far each track's energy is from
 * the chosen shape at its place. Nearest neighbour, then 2-opt (segment reversals) and Or-opt
 * (moving runs of one to three tracks) until nothing improves. Deterministic: no randomness, and
 * ties break by input order.
 */

export type EnergyShape = 'none' | 'warm-up' | 'peak' | 'cool-down' | 'wave';

export interface ArrangeOptions extends Omit<ScoreOptions, 'direction'> {
  shape: EnergyShape;
  /** How much a step of the whole energy range away from the shape costs, against one bad transition. */
  shapeWeight?: number;
  startId: string;
  endId?: string | null;
}

export interface Arrangement {
  order: string[];
  /** The cost of the returned order, of nearest neighbour alone, and of the order given. */
  cost: number;
  nearestNeighbourCost: number;
  inputCost: number;
}

/** Where the shape wants the energy at relative position t (0–1), as a fraction of the set's range. */
export function shapeTarget(shape: EnergyShape, t: number): number | null {
  switch (shape) {
    case 'none':
      return null;
    case 'warm-up':
      return t;
    case 'peak':
      return Math.min(1, t / 0.6);
    case 'cool-down':
      return 1 - t;
    case 'wave':
      return 0.5 - 0.5 * Math.cos(4 * Math.PI * t);
  }
}

/** Up to this many places away a segment is reversed or moved: a pass stays near-linear in the set size (good sets change locally). */
const WINDOW = 60;

class Tour {
  readonly n: number;
  private readonly edge: Float64Array;
  private readonly shapePen: Float64Array;

  constructor(tracks: TrackFeatures[], o: ArrangeOptions) {
    const n = (this.n = tracks.length);
    const so: ScoreOptions = { ...o, direction: 'any' };
    this.edge = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) this.edge[i * n + j] = 1 - pairTotal(tracks[i]!, tracks[j]!, so);
    // shape penalty of track i at position p
    this.shapePen = new Float64Array(n * n);
    const energies = tracks.map((t) => t.energy).filter((e): e is number => e !== null);
    const lo = Math.min(...energies);
    const span = Math.max(...energies) - lo || 1;
    const w = o.shapeWeight ?? 1;
    for (let p = 0; p < n; p++) {
      const target = shapeTarget(o.shape, n > 1 ? p / (n - 1) : 0);
      if (target === null) continue;
      for (let i = 0; i < n; i++) {
        const e = tracks[i]!.energy;
        if (e !== null) this.shapePen[i * n + p] = w * Math.abs((e - lo) / span - target);
      }
    }
  }

  /** The cost of positions [a, b] of `order` (their shape penalties and the edges between them). */
  span(order: number[], a: number, b: number): number {
    const n = this.n;
    let c = 0;
    for (let p = Math.max(0, a); p <= Math.min(b, n - 1); p++) {
      c += this.shapePen[order[p]! * n + p]!;
      if (p < b && p + 1 < n) c += this.edge[order[p]! * n + order[p + 1]!]!;
    }
    return c;
  }

  cost(order: number[]) {
    return this.span(order, 0, this.n - 1);
  }

  edgeCost(i: number, j: number) {
    return this.edge[i * this.n + j]!;
  }

  shapeCost(i: number, p: number) {
    return this.shapePen[i * this.n + p]!;
  }
}

/** Greedy: from the start, always the cheapest next track for the next place; the end (if fixed) last. */
function nearestNeighbour(t: Tour, start: number, end: number | null): number[] {
  const left = new Set(Array.from({ length: t.n }, (_, i) => i).filter((i) => i !== start && i !== end));
  const order = [start];
  while (left.size) {
    const at = order.length;
    let best = -1;
    let bestCost = Infinity;
    for (const j of left) {
      const c = t.edgeCost(order.at(-1)!, j) + t.shapeCost(j, at);
      if (c < bestCost - 1e-12) {
        bestCost = c;
        best = j;
      }
    }
    order.push(best);
    left.delete(best);
  }
  if (end !== null) order.push(end);
  return order;
}

/** One pass of 2-opt and Or-opt over the movable places [1, last]; true when the order improved. */
function improve(t: Tour, order: number[], last: number): boolean {
  let better = false;
  // 2-opt: reverse order[i..j]
  for (let i = 1; i < last; i++) {
    for (let j = i + 1; j <= Math.min(last, i + WINDOW); j++) {
      const before = t.span(order, i - 1, j + 1);
      reverse(order, i, j);
      if (t.span(order, i - 1, j + 1) < before - 1e-9) better = true;
      else reverse(order, i, j);
    }
  }
  // Or-opt: move order[i..i+len-1] to start at place k
  for (let len = 1; len <= 3; len++) {
    for (let i = 1; i + len - 1 <= last; i++) {
      for (let k = Math.max(1, i - WINDOW); k <= Math.min(last - len + 1, i + WINDOW); k++) {
        if (k === i) continue;
        const a = Math.min(i, k) - 1;
        const b = Math.max(i, k) + len;
        const before = t.span(order, a, b);
        moveRun(order, i, len, k);
        if (t.span(order, a, b) < before - 1e-9) {
          better = true;
          break;
        }
        moveRun(order, k, len, i);
      }
    }
  }
  return better;
}

function reverse(a: number[], i: number, j: number) {
  for (; i < j; i++, j--) [a[i], a[j]] = [a[j]!, a[i]!];
}

/** Moves the run of `len` at place `from` so that it starts at place `to` (in the list after the move). */
function moveRun(a: number[], from: number, len: number, to: number) {
  const run = a.splice(from, len);
  a.splice(to, 0, ...run);
}

export function arrangeSet(tracks: TrackFeatures[], o: ArrangeOptions): Arrangement {
  const index = new Map(tracks.map((t, i) => [t.id, i]));
  const start = index.get(o.startId);
  if (start === undefined) throw new Error(`the first track (${o.startId}) is not among the tracks to arrange`);
  const end = o.endId ? (index.get(o.endId) ?? null) : null;
  if (o.endId && end === null) throw new Error(`the last track (${o.endId}) is not among the tracks to arrange`);
  if (end === start) throw new Error('the first and the last track are the same');
  const t = new Tour(tracks, o);
  const inputCost = t.cost([start, ...tracks.map((_, i) => i).filter((i) => i !== start && i !== end), ...(end !== null ? [end] : [])]);
  const order = nearestNeighbour(t, start, end);
  const nearestNeighbourCost = t.cost(order);
  const last = end !== null ? t.n - 2 : t.n - 1;
  for (let pass = 0; pass < 50 && improve(t, order, last); pass++);
  return { order: order.map((i) => tracks[i]!.id), cost: t.cost(order), nearestNeighbourCost, inputCost };
}
