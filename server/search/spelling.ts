import type { Db } from '../db/client';

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps), stopping early past `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    prev = cur;
    if (rowMin > max) return max + 1;
  }
  return prev[b.length]!;
}

const trigrams = (w: string) => {
  const s = `  ${w} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
};

/** Removes accents the way the index does (unicode61 remove_diacritics 2). */
export const fold = (w: string) =>
  w
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

interface Index {
  sorted: string[];
  docs: Map<string, number>;
  byTrigram: Map<string, string[]>;
  builtAt: number;
}

/**
 * The words of the library (from the FTS index itself, via fts5vocab) with a trigram index, for
 * "did you mean". Rebuilt at most once a minute, and only when a search needs it.
 */
export class Vocabulary {
  private index: Index | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 60_000,
  ) {}

  private load(): Index {
    const now = Date.now();
    if (this.index && now - this.index.builtAt < this.maxAgeMs) return this.index;
    const rows = this.db.$client.prepare('SELECT term, doc FROM tracks_fts_vocab WHERE length(term) >= 2').all() as { term: string; doc: number }[];
    const docs = new Map<string, number>();
    const byTrigram = new Map<string, string[]>();
    for (const r of rows) {
      docs.set(r.term, r.doc);
      if (r.term.length < 3 || /^\d+$/.test(r.term)) continue;
      for (const g of trigrams(r.term)) (byTrigram.get(g) ?? byTrigram.set(g, []).get(g)!).push(r.term);
    }
    this.index = { sorted: rows.map((r) => r.term).sort(), docs, byTrigram, builtAt: now };
    return this.index;
  }

  /** Whether some indexed word starts with `prefix` (the user may still be typing it). */
  hasPrefix(prefix: string): boolean {
    const { sorted } = this.load();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo]!.startsWith(prefix);
  }

  /** The closest indexed word to a misspelt one, or null when it is fine or nothing is close. */
  suggest(raw: string): string | null {
    const word = fold(raw);
    if (word.length < 3 || /^\d+$/.test(word) || this.hasPrefix(word)) return null;
    const { docs, byTrigram } = this.load();
    const max = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
    const hits = new Map<string, number>();
    for (const g of trigrams(word)) for (const t of byTrigram.get(g) ?? []) hits.set(t, (hits.get(t) ?? 0) + 1);
    let best: { term: string; d: number; doc: number } | null = null;
    for (const [term, shared] of hits) {
      if (shared < 2 && word.length > 4) continue;
      const d = editDistance(word, term, max);
      if (d > max) continue;
      const doc = docs.get(term) ?? 0;
      if (!best || d < best.d || (d === best.d && doc > best.doc)) best = { term, d, doc };
    }
    return best?.term ?? null;
  }
}
