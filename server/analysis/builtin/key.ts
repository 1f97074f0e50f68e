import { RealFft, hann } from './fft';

/**
 * Key from a tuning-corrected chroma: spectral peaks between 60 Hz and 2 kHz of a 4096-point STFT
 * at a quarter of the analysis rate (≈ 1.35 Hz per bin), placed on a 10-cent pitch grid; the
 * tuning is the circular mean of where peaks fall inside their semitone, and the 12-bin chroma is
 * folded around it, so a track pitched off 440 Hz keeps its key.
 *
 * Profiles: a blend chosen for dance music, where minor keys dominate and the tonic and fifth
 * carry the harmony (bass and pads). It is the Temperley (Kostka–Payne) profile, whose flat
 * diatonic weights suit harmony better than melody-derived ones, with the tonic and dominant
 * raised — the direction Faraldo et al. (2016) found for electronic dance music. The benchmark
 * (`npm run bench:analyzer`) compares it against Krumhansl–Kessler and plain Temperley.
 */
export const PROFILES = {
  dance: {
    major: [6.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 5.2, 2.0, 3.5, 1.5, 3.6],
    minor: [6.0, 2.0, 3.5, 4.8, 2.0, 4.0, 2.0, 5.2, 3.5, 2.0, 3.0, 2.4],
  },
  temperley: {
    major: [5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0],
    minor: [5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0],
  },
  krumhansl: {
    major: [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
    minor: [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17],
  },
} as const;
export type ProfileName = keyof typeof PROFILES;

export interface KeyResult {
  /** Pitch class of the tonic, C = 0; null when there is no pitched content. */
  pitch: number | null;
  /** 1 major, 0 minor. */
  mode: 0 | 1 | null;
  /** Correlation of the chroma with the chosen profile (−1 … 1). */
  strength: number;
  /** 0–1: how far the best key stands above the next one that is not its relative. */
  confidence: number;
  /** Tuning of the track against A = 440 Hz, in cents (−50 … 50). */
  tuningCents: number;
}

const FINE = 120; // bins per octave (10 cents)
export const CHROMA_FRAME = 4096;
export const CHROMA_HOP = 1024;

/**
 * Collects 10-cent pitch-class profiles of frames of a signal at `sampleRate` (the decimated
 * stream), one per hop.
 */
export class ChromaAccumulator {
  private readonly fft = new RealFft(CHROMA_FRAME);
  private readonly window = hann(CHROMA_FRAME);
  private readonly power = new Float32Array(CHROMA_FRAME / 2 + 1);
  private buf = new Float32Array(CHROMA_FRAME * 2);
  private fill = 0;
  /** Per frame: 120 fine bins. */
  readonly frames: Float32Array[] = [];
  private readonly lo: number;
  private readonly hi: number;
  private readonly binHz: number;

  constructor(readonly sampleRate: number) {
    this.binHz = sampleRate / CHROMA_FRAME;
    // from 60 Hz: kick drums ring below it (and would pull keys toward their own pitch)
    this.lo = Math.max(2, Math.floor(60 / this.binHz));
    this.hi = Math.min(CHROMA_FRAME / 2 - 2, Math.ceil(2000 / this.binHz));
  }

  get fps() {
    return this.sampleRate / CHROMA_HOP;
  }

  /** Seconds from a frame's start to its centre (the time it describes). */
  get centre() {
    return CHROMA_FRAME / 2 / this.sampleRate;
  }

  push(x: Float32Array, n: number) {
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, this.buf.length - this.fill);
      this.buf.set(x.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      let start = 0;
      while (this.fill - start >= CHROMA_FRAME) {
        this.frame(start);
        start += CHROMA_HOP;
      }
      if (start > 0) {
        this.buf.copyWithin(0, start, this.fill);
        this.fill -= start;
      }
    }
  }

  private frame(offset: number) {
    const p = this.power;
    this.fft.powerSpectrum(this.buf, offset, this.window, p);
    const fine = new Float32Array(FINE);
    let max = 0;
    for (let k = this.lo; k <= this.hi; k++) if (p[k]! > max) max = p[k]!;
    if (max <= 1e-12) {
      this.frames.push(fine);
      return;
    }
    // peaks within 30 dB of the frame's loudest: tones, not the noise of hats and snares
    const floor = max * 1e-3;
    for (let k = this.lo; k <= this.hi; k++) {
      const y1 = p[k]!;
      if (y1 < floor || y1 < p[k - 1]! || y1 <= p[k + 1]!) continue;
      // parabolic interpolation of the peak on log magnitudes
      const a = Math.log(p[k - 1]! + 1e-20);
      const b = Math.log(y1);
      const c = Math.log(p[k + 1]! + 1e-20);
      const den = a - 2 * b + c;
      const d = den < 0 ? (0.5 * (a - c)) / den : 0;
      const hz = (k + d) * this.binHz;
      const midi = 69 + 12 * Math.log2(hz / 440);
      const pos = ((((midi % 12) + 12) % 12) * FINE) / 12;
      const w = Math.sqrt(y1 / max);
      const i0 = Math.floor(pos);
      const f = pos - i0;
      fine[i0 % FINE] = fine[i0 % FINE]! + w * (1 - f);
      fine[(i0 + 1) % FINE] = fine[(i0 + 1) % FINE]! + w * f;
    }
    this.frames.push(fine);
  }

  /** The tuning offset (cents) from every frame's peaks. */
  tuning(): number {
    let sx = 0;
    let sy = 0;
    for (const f of this.frames)
      for (let i = 0; i < FINE; i++) {
        const v = f[i]!;
        if (!v) continue;
        const angle = (2 * Math.PI * (i % 10)) / 10; // position inside the semitone
        sx += v * Math.cos(angle);
        sy += v * Math.sin(angle);
      }
    if (sx === 0 && sy === 0) return 0;
    return Math.round((Math.atan2(sy, sx) / (2 * Math.PI)) * 100);
  }

  /** 12-bin chroma per frame, folded around the tuning. */
  chroma(tuningCents: number): Float32Array[] {
    const shift = tuningCents / 10; // in fine bins
    return this.frames.map((f) => {
      const c = new Float32Array(12);
      for (let i = 0; i < FINE; i++) {
        const v = f[i]!;
        if (!v) continue;
        // the semitone whose centre (with tuning) is nearest
        const semi = Math.round((i - shift) / 10);
        const k = ((semi % 12) + 12) % 12;
        c[k] = c[k]! + v;
      }
      return c;
    });
  }
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>, rot: number) {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < 12; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= 12;
  my /= 12;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < 12; i++) {
    const a = x[(i + rot) % 12]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

const triad = (c: ArrayLike<number>, pitch: number, mode: number) => c[pitch % 12]! + c[(pitch + (mode === 1 ? 4 : 3)) % 12]! + c[(pitch + 7) % 12]!;

/** The major or minor triad that best explains a chroma, its root counting double (the bass plays it); null for silence. */
function chordOf(c: ArrayLike<number>): { pitch: number; mode: number } | undefined {
  let total = 0;
  for (let k = 0; k < 12; k++) total += c[k]!;
  if (total <= 0) return undefined;
  let best = { pitch: 0, mode: 0, v: -1 };
  for (let pitch = 0; pitch < 12; pitch++)
    for (const mode of [0, 1]) {
      const v = triad(c, pitch, mode) + c[pitch]!;
      if (v > best.v) best = { pitch, mode, v };
    }
  return best;
}

/**
 * The key whose profile best matches the track's summed chroma.
 *
 * A major key and its relative minor share their notes (vi–IV–I–V and i–VI–III–VII are the same
 * four chords), so the sums alone cannot tell them apart when the two score alike. Then the
 * chord heard at the start of each four-bar phrase decides: a key that fits whose tonic triad it is
 * wins (`phraseChroma`: loops start on their
 * tonic); without a grid, minor wins, as it does in most dance music (Faraldo et al. 2016).
 */
export function estimateKey(chroma: Float32Array[], tuningCents: number, profile: ProfileName = 'dance', phraseChroma?: ArrayLike<number>): KeyResult {
  const sum = new Float64Array(12);
  for (const c of chroma) {
    let t = 0;
    for (let k = 0; k < 12; k++) t += c[k]!;
    if (t <= 0) continue;
    for (let k = 0; k < 12; k++) sum[k] = sum[k]! + c[k]! / t;
  }
  let total = 0;
  for (let k = 0; k < 12; k++) total += sum[k]!;
  if (total <= 0) return { pitch: null, mode: null, strength: 0, confidence: 0, tuningCents };
  const scores: { pitch: number; mode: 0 | 1; r: number }[] = [];
  for (let pitch = 0; pitch < 12; pitch++) {
    scores.push({ pitch, mode: 1, r: pearson(sum, PROFILES[profile].major, pitch) });
    scores.push({ pitch, mode: 0, r: pearson(sum, PROFILES[profile].minor, pitch) });
  }
  scores.sort((a, b) => b.r - a.r);
  const top = scores[0]!;
  // keys that fit the notes almost as well: the chord the phrases start on decides between them
  let rank = (s: { pitch: number; mode: number; r: number }) => s.r;
  const chord = phraseChroma ? chordOf(phraseChroma) : undefined;
  if (chord) {
    rank = (s) => s.r + (s.r >= top.r - 0.35 && s.pitch === chord.pitch && s.mode === chord.mode ? 1 : 0);
  } else {
    // no grid: of a major key and its relative minor scoring alike, minor (as most dance music is)
    rank = (s) => s.r + (s.mode === 0 ? 0.04 : 0);
  }
  const ranked = [...scores].sort((a, b) => rank(b) - rank(a));
  const best = ranked[0]!;
  const relative = (s: { pitch: number; mode: number }) =>
    best.mode === 1 ? s.mode === 0 && s.pitch === (best.pitch + 9) % 12 : s.mode === 1 && s.pitch === (best.pitch + 3) % 12;
  const rival = ranked.find((s, i) => i > 0 && !relative(s)) ?? ranked[1]!;
  return {
    pitch: best.pitch,
    mode: best.mode,
    strength: Math.round(best.r * 1000) / 1000,
    confidence: Math.round(Math.max(0, Math.min(1, (rank(best) - rank(rival)) * 4)) * 100) / 100,
    tuningCents,
  };
}
