/**
 * Musical keys as pitch class (C = 0 … B = 11) and mode (1 = major, 0 = minor, as the analysis
 * server and the audio engine use them), with the three notations DJs read: Camelot (8A),
 * Open Key (1m) and musical (Am, F#).
 */
export interface MusicalKey {
  pitch: number;
  mode: 0 | 1;
}
export type KeyNotation = 'camelot' | 'openkey' | 'musical';

const SHARP_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
// Camelot number for each pitch class, per mode
const CAMELOT_MAJOR = [8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1];
const CAMELOT_MINOR = [5, 12, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10];

export function camelotNumber(k: MusicalKey): number {
  return (k.mode === 1 ? CAMELOT_MAJOR : CAMELOT_MINOR)[k.pitch]!;
}

export function formatKey(k: MusicalKey | null | undefined, notation: KeyNotation): string {
  if (!k) return '';
  if (notation === 'musical') return `${SHARP_NAMES[k.pitch]}${k.mode === 0 ? 'm' : ''}`;
  const c = camelotNumber(k);
  if (notation === 'camelot') return `${c}${k.mode === 1 ? 'B' : 'A'}`;
  // Open Key is Camelot turned so that C major / A minor are 1d / 1m
  return `${((c + 4) % 12) + 1}${k.mode === 1 ? 'd' : 'm'}`;
}

function fromCamelot(n: number, letter: 'A' | 'B'): MusicalKey | null {
  if (n < 1 || n > 12) return null;
  const mode = letter === 'B' ? 1 : 0;
  const pitch = (mode === 1 ? CAMELOT_MAJOR : CAMELOT_MINOR).indexOf(n);
  return { pitch, mode };
}

/**
 * Reads a key in any common notation: "Am", "A minor", "a min", "F#", "Gbmaj", "C#m", "8A",
 * "08A", "1m", "12d", "E♭m". Returns null for anything else (e.g. "o" for off-key).
 */
export function parseKey(raw: string | null | undefined): MusicalKey | null {
  if (!raw) return null;
  const s = raw.trim().replace(/♯/g, '#').replace(/♭/g, 'b');
  let m = /^0?(\d{1,2})\s*([ABab])$/.exec(s);
  if (m) return fromCamelot(Number(m[1]), m[2]!.toUpperCase() as 'A' | 'B');
  m = /^0?(\d{1,2})\s*([mMdD])$/.exec(s);
  if (m) {
    const open = Number(m[1]);
    if (open < 1 || open > 12) return null;
    return fromCamelot(((open + 6) % 12) + 1, /m/i.test(m[2]!) ? 'A' : 'B');
  }
  m = /^([A-Ga-g])\s*(#|b|s|sharp|flat)?\s*(m|min|minor|maj|major|dur|moll)?$/i.exec(s.replace(/\s+/g, ' '));
  if (!m) return null;
  let pitch = LETTER[m[1]!.toUpperCase()]!;
  const acc = m[2]?.toLowerCase();
  if (acc === '#' || acc === 's' || acc === 'sharp') pitch += 1;
  if (acc === 'b' || acc === 'flat') pitch -= 1;
  const q = m[3];
  // a lone lower-case "m" means minor; "M" alone is ambiguous in the wild and read as minor too
  const minor = q !== undefined && /^(m|min|minor|moll)$/i.test(q);
  return { pitch: (pitch + 12) % 12, mode: minor ? 0 : 1 };
}

/** Keys that mix well with `k`: the same key, ±1 on the Camelot wheel, and the relative major/minor. */
export function compatibleKeys(k: MusicalKey): MusicalKey[] {
  const c = camelotNumber(k);
  const letter = k.mode === 1 ? 'B' : 'A';
  const other = k.mode === 1 ? 'A' : 'B';
  return [fromCamelot(c, letter), fromCamelot((c % 12) + 1, letter), fromCamelot(((c + 10) % 12) + 1, letter), fromCamelot(c, other)].filter((x): x is MusicalKey => x !== null);
}
