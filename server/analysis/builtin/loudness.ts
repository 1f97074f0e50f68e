import { kWeighting, type BiquadCoefs } from './filters';

/** What the loudness meter measured (ITU-R BS.1770-4 / EBU R128). */
export interface Loudness {
  /** Integrated loudness, LUFS; null when the whole file is below the absolute gate (silence). */
  integrated: number | null;
  /** Loudness range, LU (EBU Tech 3342). */
  range: number | null;
  /** True peak, dBTP (4× oversampled estimate). */
  truePeak: number | null;
  /** Sample peak, dBFS. */
  samplePeak: number | null;
}

const ABSOLUTE_GATE = -70;
const loudnessOf = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);

/** 8-tap windowed-sinc kernels for the three in-between points of 4× oversampling. */
const TP_TAPS = 8;
const TP_KERNELS = [0.25, 0.5, 0.75].map((frac) => {
  const k = new Float64Array(TP_TAPS);
  for (let j = 0; j < TP_TAPS; j++) {
    const x = j - (TP_TAPS / 2 - 1) - frac; // taps at i-3 … i+4 around the point i+frac
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / (TP_TAPS / 2 + 0.5));
    k[j] = sinc * w;
  }
  return k;
});

/**
 * A streaming loudness meter over interleaved stereo: K-weighting per channel, mean squares per
 * 100 ms, then gating at the end (400 ms momentary blocks with 75 % overlap for the integrated
 * value, 3 s short-term windows for the range). True peak is estimated by 4× sinc interpolation,
 * evaluated only near samples that could raise the peak found so far, so it costs little.
 */
export class LoudnessMeter {
  private readonly coefs: [BiquadCoefs, BiquadCoefs];
  /** Filter state per channel: shelf z1, z2, high-pass z1, z2. */
  private readonly state = [new Float64Array(4), new Float64Array(4)];
  private readonly subLen: number;
  private subAcc = 0;
  private subFill = 0;
  private readonly subBlocks: number[] = [];
  private peak = 0;
  private truePeak = 0;
  /** The last samples of the previous chunk per channel (the interpolator looks back and ahead). */
  private readonly tail = [new Float64Array(TP_TAPS - 1), new Float64Array(TP_TAPS - 1)];
  private win = new Float64Array(0);

  constructor(sampleRate: number) {
    this.coefs = kWeighting(sampleRate);
    this.subLen = Math.round(sampleRate / 10);
  }

  /** `left` and `right` hold `n` samples each. */
  push(left: Float32Array, right: Float32Array, n: number) {
    // the two channels through both K-weighting stages, squared and summed per 100 ms, in one loop
    const [s1, s2] = this.coefs;
    const a0 = +s1.b0;
    const a1 = +s1.b1;
    const a2 = +s1.b2;
    const a3 = +s1.a1;
    const a4 = +s1.a2;
    const c0 = +s2.b0;
    const c1 = +s2.b1;
    const c2 = +s2.b2;
    const c3 = +s2.a1;
    const c4 = +s2.a2;
    const l = this.state[0]!;
    const r = this.state[1]!;
    let lz1 = l[0]!;
    let lz2 = l[1]!;
    let lz3 = l[2]!;
    let lz4 = l[3]!;
    let rz1 = r[0]!;
    let rz2 = r[1]!;
    let rz3 = r[2]!;
    let rz4 = r[3]!;
    let acc = this.subAcc;
    let fill = this.subFill;
    const len = this.subLen;
    for (let i = 0; i < n; i++) {
      let x = left[i]!;
      let y = a0 * x + lz1;
      lz1 = a1 * x - a3 * y + lz2;
      lz2 = a2 * x - a4 * y;
      x = y;
      y = c0 * x + lz3;
      lz3 = c1 * x - c3 * y + lz4;
      lz4 = c2 * x - c4 * y;
      acc += y * y;
      x = right[i]!;
      y = a0 * x + rz1;
      rz1 = a1 * x - a3 * y + rz2;
      rz2 = a2 * x - a4 * y;
      x = y;
      y = c0 * x + rz3;
      rz3 = c1 * x - c3 * y + rz4;
      rz4 = c2 * x - c4 * y;
      acc += y * y;
      if (++fill === len) {
        this.subBlocks.push(acc / len);
        acc = 0;
        fill = 0;
      }
    }
    l.set([lz1, lz2, lz3, lz4]);
    r.set([rz1, rz2, rz3, rz4]);
    this.subAcc = acc;
    this.subFill = fill;
    this.peaks(0, left, n);
    this.peaks(1, right, n);
  }

  /**
   * Sample peak, and the points between samples by 4× sinc interpolation, looked at only where a
   * neighbouring sample comes within 4.4 dB of the true peak found so far (cheap once a peak is
   * known; an interpolated point can exceed its neighbours by about that much at most here).
   */
  private peaks(ch: number, x: Float32Array, n: number) {
    const H = TP_TAPS - 1;
    const tail = this.tail[ch]!;
    if (this.win.length < n + H) this.win = new Float64Array(n + H);
    const w = this.win;
    w.set(tail);
    for (let i = 0; i < n; i++) w[H + i] = x[i]!;
    let peak = this.peak;
    let tp = this.truePeak;
    // the point between w[j+3] and w[j+4] uses w[j … j+7]
    for (let j = 0; j + TP_TAPS <= n + H; j++) {
      const a = w[j + 4]!;
      const m0 = a < 0 ? -a : a;
      if (m0 > peak) peak = m0;
      const b = w[j + 3]!;
      const m1 = b < 0 ? -b : b;
      const m = m0 > m1 ? m0 : m1;
      if (m <= tp * 0.6) continue;
      if (m > tp) tp = m;
      for (const k of TP_KERNELS) {
        let s = 0;
        for (let t = 0; t < TP_TAPS; t++) s += w[j + t]! * k[t]!;
        if (s < 0) s = -s;
        if (s > tp) tp = s;
      }
    }
    for (let i = 0; i < H; i++) tail[i] = w[n + i]!;
    this.peak = peak;
    this.truePeak = Math.max(tp, peak);
  }

  finish(): Loudness {
    const sub = this.subBlocks;
    // momentary blocks: 4 sub-blocks, stepping one (75 % overlap)
    const momentary: number[] = [];
    for (let i = 0; i + 4 <= sub.length; i++) momentary.push((sub[i]! + sub[i + 1]! + sub[i + 2]! + sub[i + 3]!) / 4);
    const integrated = gatedMean(momentary, -10);
    const shortTerm: number[] = [];
    let run = 0;
    for (let i = 0; i < sub.length; i++) {
      run += sub[i]!;
      if (i >= 30) run -= sub[i - 30]!;
      if (i >= 29) shortTerm.push(run / 30);
    }
    return {
      integrated: integrated === null ? null : round2(loudnessOf(integrated)),
      range: loudnessRange(shortTerm),
      truePeak: this.truePeak > 0 ? round2(20 * Math.log10(this.truePeak)) : null,
      samplePeak: this.peak > 0 ? round2(20 * Math.log10(this.peak)) : null,
    };
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Mean square of the blocks that pass the absolute gate and the relative gate (`relative` LU below their mean). */
function gatedMean(blocks: number[], relative: number): number | null {
  const abs = blocks.filter((z) => z > 0 && loudnessOf(z) > ABSOLUTE_GATE);
  if (!abs.length) return null;
  const threshold = loudnessOf(abs.reduce((s, z) => s + z, 0) / abs.length) + relative;
  const kept = abs.filter((z) => loudnessOf(z) > threshold);
  return kept.length ? kept.reduce((s, z) => s + z, 0) / kept.length : null;
}

/** EBU Tech 3342: the spread between the 10th and 95th percentiles of gated short-term loudness. */
function loudnessRange(shortTerm: number[]): number | null {
  const abs = shortTerm.filter((z) => z > 0 && loudnessOf(z) > ABSOLUTE_GATE);
  if (abs.length < 2) return null;
  const threshold = loudnessOf(abs.reduce((s, z) => s + z, 0) / abs.length) - 20;
  const l = abs
    .map(loudnessOf)
    .filter((x) => x > threshold)
    .sort((a, b) => a - b);
  if (l.length < 2) return null;
  const at = (p: number) => l[Math.min(l.length - 1, Math.round(p * (l.length - 1)))]!;
  return round2(at(0.95) - at(0.1));
}
