import { camelotNumber, formatKey, type MusicalKey } from '../music/keys';

/**
 * How well one track follows another, and why (issue 21): key (Camelot relations, with the pitch
 * shift a tempo change brings when key lock is off), tempo (half/double folded, a Gaussian falloff),
 * energy against the wanted direction, genre/label/artist affinity, recency and crowd reactions.
 * Pure: every weight comes in, every component goes out for the "why" chips.
 */

/** What scoring needs of a track. */
export interface TrackFeatures {
  id: string;
  bpm: number | null;
  key: MusicalKey | null;
  /** 1–10. */
  energy: number | null;
  genre: string | null;
  label: string | null;
  artist: string | null;
  lastPlayedAt: number | null;
  /** Crowd reactions over past sessions. */
  fills?: number;
  clears?: number;
}

export type EnergyDirection = 'up' | 'same' | 'down' | 'any';

export interface Weights {
  key: number;
  tempo: number;
  energy: number;
  affinity: number;
  recency: number;
  crowd: number;
}

export const DEFAULT_WEIGHTS: Weights = { key: 3, tempo: 3, energy: 1.5, affinity: 1, recency: 0.5, crowd: 1 };

export interface ScoreOptions {
  weights: Weights;
  /** The tempo change (%) at which the tempo score has fallen to 0.61 (one standard deviation). */
  tempoRangePct: number;
  /** Half and double tempo count as the same tempo (a 70 BPM track after a 140 one). */
  halfDouble: boolean;
  /** Key lock off: matching the tempo moves the next track's key (+6 % ≈ one semitone up). */
  keyLock: boolean;
  direction: EnergyDirection;
  now: number;
}

export type KeyRelation = 'same' | 'adjacent' | 'relative' | 'diagonal' | 'two-steps' | 'semitone-up' | 'semitone-down' | 'clash';

/** Each Camelot relation and how well it mixes (1 = perfect). */
export const KEY_RELATIONS: Record<KeyRelation, { score: number; words: string }> = {
  same: { score: 1, words: 'same key' },
  adjacent: { score: 0.9, words: 'one step round the wheel' },
  relative: { score: 0.85, words: 'relative major/minor' },
  diagonal: { score: 0.6, words: 'one step and the other mode' },
  'semitone-up': { score: 0.55, words: 'a semitone up (energy boost)' },
  'two-steps': { score: 0.45, words: 'two steps round the wheel' },
  'semitone-down': { score: 0.35, words: 'a semitone down' },
  clash: { score: 0, words: 'keys clash' },
};

/** The Camelot relation of `to` after `from`. */
export function keyRelation(from: MusicalKey, to: MusicalKey): KeyRelation {
  const d = (camelotNumber(to) - camelotNumber(from) + 12) % 12;
  const sameMode = from.mode === to.mode;
  if (d === 0) return sameMode ? 'same' : 'relative';
  if (d === 1 || d === 11) return sameMode ? 'adjacent' : 'diagonal';
  if (!sameMode) return 'clash';
  if (d === 7) return 'semitone-up';
  if (d === 5) return 'semitone-down';
  if (d === 2 || d === 10) return 'two-steps';
  return 'clash';
}

/** The tempo ratio `to` must be played at to match `from`, folded to half/double when allowed. */
export function tempoRatio(fromBpm: number, toBpm: number, halfDouble: boolean): number {
  const r = fromBpm / toBpm;
  if (!halfDouble) return r;
  return [r, r * 2, r / 2].reduce((best, x) => (Math.abs(Math.log(x)) < Math.abs(Math.log(best)) ? x : best));
}

/** A key moved by whole semitones (what a tempo change does with key lock off, rounded to the nearest semitone). */
export function shiftKey(k: MusicalKey, semitones: number): MusicalKey {
  return { pitch: (((k.pitch + semitones) % 12) + 12) % 12, mode: k.mode };
}

export interface PairScore {
  /** 0–1, the weighted mean of the parts. */
  total: number;
  parts: Record<keyof Weights, number>;
  /** Short reasons, in the order a DJ reads them: "8A → 9A", "+2.3 % tempo", "energy 6 → 7", … */
  chips: string[];
  relation: KeyRelation | null;
  /** The pitch-fader change to match tempo, % (positive: speed the next track up). */
  tempoChangePct: number | null;
}

const HOUR = 3_600_000;
const gauss = (x: number, sigma: number) => Math.exp(-0.5 * (x / sigma) ** 2);
const sameText = (a: string | null, b: string | null) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

interface Parts {
  parts: Record<keyof Weights, number>;
  ratio: number | null;
  relation: KeyRelation | null;
  /** The next track's key as heard after the tempo change, and the semitones it moved. */
  heard: MusicalKey | null;
  semis: number;
  ago: number | null;
}

/** The six components (0–1 each) without the words: what set ordering scores for every pair. */
function scoreParts(from: TrackFeatures, to: TrackFeatures, o: ScoreOptions): Parts {
  const ratio = from.bpm && to.bpm ? tempoRatio(from.bpm, to.bpm, o.halfDouble) : null;
  const tempo = ratio === null ? 0.5 : gauss((ratio - 1) * 100, o.tempoRangePct);
  let key = 0.5;
  let relation: KeyRelation | null = null;
  let heard: MusicalKey | null = null;
  const semis = !o.keyLock && ratio !== null ? Math.round(12 * Math.log2(ratio)) : 0;
  if (from.key && to.key) {
    heard = shiftKey(to.key, semis);
    relation = keyRelation(from.key, heard);
    key = KEY_RELATIONS[relation].score;
  }
  const target = { up: 1, same: 0, down: -1, any: 0 }[o.direction];
  const energy = from.energy !== null && to.energy !== null ? gauss(to.energy - from.energy - target, o.direction === 'any' ? 3 : 1.2) : 0.5;
  const affinity = 0.6 * +sameText(from.genre, to.genre) + 0.3 * +sameText(from.label, to.label) + 0.1 * +sameText(from.artist, to.artist);
  const ago = to.lastPlayedAt !== null ? o.now - to.lastPlayedAt : null;
  const recency = ago === null || ago > 24 * HOUR ? 1 : 0.2 + 0.8 * (ago / (24 * HOUR));
  const crowd = Math.max(0, Math.min(1, 0.5 + 0.15 * (to.fills ?? 0) - 0.3 * (to.clears ?? 0)));
  return { parts: { key, tempo, energy, affinity, recency, crowd }, ratio, relation, heard, semis, ago };
}

/** The weighted mean of the parts. */
function weighted(parts: Record<keyof Weights, number>, w: Weights): number {
  const sum = w.key + w.tempo + w.energy + w.affinity + w.recency + w.crowd;
  return sum > 0
    ? (w.key * parts.key + w.tempo * parts.tempo + w.energy * parts.energy + w.affinity * parts.affinity + w.recency * parts.recency + w.crowd * parts.crowd) / sum
    : 0;
}

/** The total alone (set ordering scores every pair: no words, no allocation beyond the parts). */
export function pairTotal(from: TrackFeatures, to: TrackFeatures, o: ScoreOptions): number {
  return weighted(scoreParts(from, to, o).parts, o.weights);
}

export function scorePair(from: TrackFeatures, to: TrackFeatures, o: ScoreOptions): PairScore {
  const p = scoreParts(from, to, o);
  const chips: string[] = [];
  if (p.ratio !== null) {
    const pct = (p.ratio - 1) * 100;
    chips.push(Math.abs(pct) < 0.05 ? 'same tempo' : `${pct > 0 ? '+' : ''}${pct.toFixed(1)} % tempo`);
    if (Math.abs(Math.log2(from.bpm! / to.bpm!)) > 0.5) chips.push(to.bpm! > from.bpm! ? 'double time' : 'half time');
  } else chips.push('no BPM');
  if (from.key && to.key && p.heard) {
    const shifted = p.semis ? ` (${formatKey(to.key, 'camelot')} shifted ${p.semis > 0 ? '+' : ''}${p.semis})` : '';
    chips.push(`${formatKey(from.key, 'camelot')} → ${formatKey(p.heard, 'camelot')}${shifted}`);
  } else chips.push('no key');
  if (from.energy !== null && to.energy !== null) chips.push(`energy ${from.energy} → ${to.energy}`);
  if (sameText(from.genre, to.genre)) chips.push('same genre');
  if (sameText(from.label, to.label)) chips.push('same label');
  if (sameText(from.artist, to.artist)) chips.push('same artist');
  if (p.ago !== null && p.ago <= 24 * HOUR) chips.push(`played ${Math.max(1, Math.round(p.ago / HOUR))} h ago`);
  const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
  if (to.fills) chips.push(`filled the floor ${times(to.fills)}`);
  if (to.clears) chips.push(`cleared the floor ${times(to.clears)}`);
  return { total: weighted(p.parts, o.weights), parts: p.parts, chips, relation: p.relation, tempoChangePct: p.ratio === null ? null : (p.ratio - 1) * 100 };
}
